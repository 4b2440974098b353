package com.calmline.web;

import com.calmline.privacy.Redactor;
import com.calmline.store.RecordStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admins' page of users ({@code /admin/users}): list, add (with a one-time password), change a role, reset
 * a password (a new one-time password), disable and enable. A password is shown once, in the answer to the
 * form that made it, never in a URL or the log. Disabling or resetting ends every session of the user at once
 * (their live pages included); a role change holds in their open sessions at once. An admin cannot change
 * their own role, disable themselves or reset their own password here, so the page cannot lock its last admin
 * out. Every change is in the users' audit ({@code audit:users}): who, to whom, what, when.
 */
final class UserAdmin {
    private static final Logger log = LoggerFactory.getLogger(UserAdmin.class);
    static final String CHANGES = "audit:users";
    /** Account changes are rare and are what a security review asks for, so the newest this many are kept. */
    private static final int CHANGES_KEPT = 10_000;
    private static final int CHANGES_SHOWN = 100;
    private static final String LOG = """
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
            redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[4]) - 1)
            return 0""";
    private static final String NEWEST = "return redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)";
    private static final String SELF = "You cannot change your own account here (another admin can); to change "
            + "your password, use Change password.";

    private final RecordStore store;
    private final Users users;
    private final Sessions sessions;
    private final Pages pages;
    private final DateTimeFormatter moments;

    UserAdmin(RecordStore store, Users users, Sessions sessions, Pages pages, ZoneId zone) {
        this.store = store;
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
        this.moments = Pages.moments(zone);
    }

    void register(RoutesConfig routes) {
        routes.get("/admin/users", this::list, Auth.Role.ADMIN);
        routes.post("/admin/users", this::add, Auth.Role.ADMIN);
        routes.post("/admin/users/{name}/role", this::role, Auth.Role.ADMIN);
        routes.post("/admin/users/{name}/password", this::reset, Auth.Role.ADMIN);
        routes.post("/admin/users/{name}/disable", ctx -> enable(ctx, false), Auth.Role.ADMIN);
        routes.post("/admin/users/{name}/enable", ctx -> enable(ctx, true), Auth.Role.ADMIN);
    }

    /** Records a change to a user in the audit (and the log); {@code by} made it. */
    void changed(String by, String user, String change) {
        long now = System.currentTimeMillis();
        store.script(LOG, List.of(CHANGES), List.of(Long.toString(now),
                now + "\t" + by + "\t" + user + "\t" + change, Integer.toString(CHANGES_KEPT)));
        log.info("user {}: {}, by {}", user, change, by);
    }

    /** Who made a change, as the audit names them. */
    static String by(Auth.Principal p) {
        return (p.machine() ? "API token" : p.name()) + " (" + p.role().label() + ")";
    }

    private void list(Context ctx) {
        String done = Optional.ofNullable(ctx.queryParam("done")).orElse("");
        String name = Optional.ofNullable(ctx.queryParam("user")).filter(n -> n.matches(Users.NAME)).orElse("");
        String notice = name.isEmpty() ? "" : switch (done) {
            case "role" -> users.find(name).map(u -> name + " is now " + article(u.role()) + ".").orElse("");
            case "disabled" -> name + " is disabled: signed out everywhere, and cannot sign in.";
            case "enabled" -> name + " can sign in again.";
            default -> "";
        };
        page(ctx, HttpStatus.OK, notice, "", Optional.empty());
    }

    private void add(Context ctx) {
        String name = String.valueOf(ctx.formParam("name")).strip().toLowerCase(java.util.Locale.ROOT);
        Optional<Auth.Role> role = role(ctx.formParam("role"));
        if (role.isEmpty()) {
            page(ctx, HttpStatus.BAD_REQUEST, "", "Choose a role: agent, supervisor or admin.", Optional.empty());
            return;
        }
        String dial = Optional.ofNullable(ctx.formParam("dial")).map(String::strip).filter(d -> !d.isEmpty())
                .orElse("client:" + name);
        String password = Users.randomPassword();
        try {
            if (!users.add(name, role.get(), password.toCharArray(), dial)) {
                page(ctx, HttpStatus.CONFLICT, "", "There is already a user called " + name + ".", Optional.empty());
                return;
            }
        } catch (IllegalArgumentException e) {
            page(ctx, HttpStatus.BAD_REQUEST, "", capitalised(e.getMessage()) + ".", Optional.empty());
            return;
        }
        users.markOneTime(name);
        changed(by(Auth.principal(ctx)), name, "added as " + role.get().label());
        page(ctx, HttpStatus.CREATED, name + " is added as " + article(role.get()) + ".", "",
                Optional.of(new Auth.OneTimePassword(name, password)));
    }

    private void role(Context ctx) {
        Optional<Users.User> user = target(ctx);
        if (user.isEmpty()) {
            return;
        }
        Optional<Auth.Role> role = role(ctx.formParam("role"));
        if (role.isEmpty()) {
            page(ctx, HttpStatus.BAD_REQUEST, "", "Choose a role: agent, supervisor or admin.", Optional.empty());
            return;
        }
        if (role.get() != user.get().role()) {
            users.setRole(user.get().name(), role.get());
            sessions.changeRole(user.get().name(), role.get());
            changed(by(Auth.principal(ctx)), user.get().name(), "role " + user.get().role().label() + " → "
                    + role.get().label());
        }
        done(ctx, "role", user.get().name());
    }

    private void reset(Context ctx) {
        Optional<Users.User> user = target(ctx);
        if (user.isEmpty()) {
            return;
        }
        String name = user.get().name();
        String password = users.resetPassword(name);
        long ended = sessions.endAll(name);
        changed(by(Auth.principal(ctx)), name, "password reset to a one-time password; " + ended
                + " session(s) ended");
        page(ctx, HttpStatus.OK, name + "'s password is reset, and they are signed out everywhere.", "",
                Optional.of(new Auth.OneTimePassword(name, password)));
    }

    private void enable(Context ctx, boolean enabled) {
        Optional<Users.User> user = target(ctx);
        if (user.isEmpty()) {
            return;
        }
        String name = user.get().name();
        users.setDisabled(name, !enabled);
        if (enabled) {
            changed(by(Auth.principal(ctx)), name, "enabled");
        } else {
            long ended = sessions.endAll(name);
            changed(by(Auth.principal(ctx)), name, "disabled; " + ended + " session(s) ended");
        }
        done(ctx, enabled ? "enabled" : "disabled", name);
    }

    /** The user the path names, unless it is unknown or the admin themselves (then the page says why). */
    private Optional<Users.User> target(Context ctx) {
        String name = ctx.pathParam("name");
        Optional<Users.User> user = users.find(name);
        if (user.isEmpty()) {
            page(ctx, HttpStatus.NOT_FOUND, "", "There is no user called " + name + ".", Optional.empty());
            return Optional.empty();
        }
        if (user.get().name().equals(Auth.principal(ctx).name()) && !Auth.principal(ctx).machine()) {
            page(ctx, HttpStatus.CONFLICT, "", SELF, Optional.empty());
            return Optional.empty();
        }
        return user;
    }

    /** After a change that shows no secret: back to the list, so a reload does not post it again. */
    private static void done(Context ctx, String what, String name) {
        ctx.redirect("/admin/users?done=" + what + "&user=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
                HttpStatus.SEE_OTHER);
    }

    private void page(Context ctx, HttpStatus status, String notice, String error,
                      Optional<Auth.OneTimePassword> oneTime) {
        List<Auth.Account> accounts = new ArrayList<>();
        for (Users.Account a : users.accounts()) {
            String dial = a.user().dial().startsWith("+") ? Redactor.phone(a.user().dial()) : a.user().dial();
            accounts.add(new Auth.Account(a.user().name(), a.user().role().label(), dial,
                    a.disabled() ? "disabled" : a.oneTime() ? "one-time password" : "active"));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("users", new Auth.UsersPage(Auth.principal(ctx), accounts, changes(), notice, error,
                oneTime.orElse(null)));
        ctx.status(status);
        pages.page(ctx, "admin/users.jte", params);
    }

    private List<Auth.AccountChange> changes() {
        List<Auth.AccountChange> out = new ArrayList<>();
        Object newest = store.script(NEWEST, List.of(CHANGES), List.of(Integer.toString(CHANGES_SHOWN)));
        for (Object entry : (List<?>) newest) {
            String[] f = String.valueOf(entry).split("\t", 4);
            if (f.length == 4) {
                out.add(new Auth.AccountChange(moments.format(Instant.ofEpochMilli(Long.parseLong(f[0]))), f[1],
                        f[2], f[3]));
            }
        }
        return out;
    }

    private static Optional<Auth.Role> role(String label) {
        return Optional.ofNullable(label).filter(l -> l.matches("agent|supervisor|admin")).map(Auth.Role::of);
    }

    private static String article(Auth.Role role) {
        return (role == Auth.Role.ADMIN ? "an " : "a ") + role.label();
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
