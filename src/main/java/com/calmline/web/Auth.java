package com.calmline.web;

import com.calmline.privacy.LogSafe;
import com.calmline.store.RecordStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Who may use the pages and the API. Every route states the least role it needs (a route with none is
 * public); a page without a session goes to the login page, {@code /api/*} answers 401, a lesser role 403.
 * Sessions live in Redis behind an {@code HttpOnly}, {@code SameSite=Strict} cookie ({@code Secure} behind
 * https); every state-changing request carries the session's CSRF token. Machines use {@code API_TOKEN}.
 */
public final class Auth {
    private static final Logger log = LoggerFactory.getLogger(Auth.class);
    static final String SESSION_COOKIE = "calmline_session";
    private static final String LOGIN_COOKIE = "calmline_login";
    private static final int MAX_FAILURES_PER_USER = 5;
    private static final int MAX_FAILURES_PER_ADDRESS = 20;
    private static final Duration THROTTLE_WINDOW = Duration.ofMinutes(1);
    private static final String PRINCIPAL = "principal";

    /** Each role can do what the ones before it can. */
    public enum Role implements RouteRole {
        AGENT, SUPERVISOR, ADMIN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Role of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }

        public boolean covers(Role needed) {
            return compareTo(needed) >= 0;
        }
    }

    /** Who is asking: a signed-in person, or a machine with the API token. */
    public record Principal(String name, Role role, String dial, String csrf) {
        /** A machine with {@code API_TOKEN}: it has no session, so no CSRF token either. */
        public boolean machine() {
            return csrf.isEmpty();
        }
    }

    /** A user on the admins' page: {@code status} is active, one-time password (still to choose one) or disabled. */
    public record Account(String name, String role, String dial, String status) {
    }

    /** One change to a user, as the users' audit shows it. */
    public record AccountChange(String at, String by, String user, String change) {
    }

    /** A password made for a user, shown once, on the page that answers the form that made it. */
    public record OneTimePassword(String user, String password) {
    }

    /** The admins' users page; {@code oneTime} is null unless a password was just made. */
    public record UsersPage(Principal user, List<Account> accounts, List<AccountChange> changes, String notice,
                            String error, OneTimePassword oneTime) {
    }

    /**
     * Which calls a principal may read: routes that show one call (its record, events, screen-pop, the desk's
     * open call) ask this before showing anything.
     */
    public interface CallAccess {
        boolean mayRead(Principal who, String callSid);

        /** 403 unless {@code who} may read the call. */
        default void require(Principal who, String callSid) {
            if (!mayRead(who, callSid)) {
                throw new ForbiddenResponse("an agent reads only the callers waiting on the desk and the calls they "
                        + "took; this call needs the supervisor role");
            }
        }
    }

    private final RecordStore store;
    private final Users users;
    private final Sessions sessions;
    private final Throttle throttle;
    private final UserAdmin admin;
    private final Pages pages;
    private final Optional<byte[]> apiToken;
    private final boolean secureCookies;
    private final LogSafe.Limit failedSignIns = new LogSafe.Limit("failed-sign-in", Level.INFO, 20);

    /** {@code zone}: the operator's clock, on which the users' audit shows its times. */
    public Auth(RecordStore store, Pages pages, Optional<String> apiToken, boolean secureCookies, ZoneId zone) {
        this.store = store;
        this.users = new Users(store);
        this.sessions = new Sessions(store);
        this.admin = new UserAdmin(store, users, sessions, pages, zone);
        this.throttle = new Throttle(store, THROTTLE_WINDOW);
        this.pages = pages;
        // An empty token would let "Bearer " in.
        this.apiToken = apiToken.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.secureCookies = secureCookies;
    }

    public void register(RoutesConfig routes) {
        routes.beforeMatched(this::access);
        routes.get("/login", this::loginPage);
        routes.post("/login", this::login);
        routes.post("/logout", this::logout, Role.AGENT);
        routes.get("/password", ctx -> passwordPage(ctx, ""), Role.AGENT);
        routes.post("/password", this::changePassword, Role.AGENT);
        routes.get("/api/users", this::listUsers, Role.ADMIN);
        routes.post("/api/users", this::addUserFromApi, Role.ADMIN);
        admin.register(routes);
    }

    /** Who made this request; only on routes that state a role. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException(ctx.path() + " states no role, so it has no principal");
        }
        return p;
    }

    /** Adds a user (the {@code user add} command, audited as such); false if the name is taken. */
    public boolean addUser(String name, Role role, char[] password, Optional<String> dial) {
        return addUser(name, role, password, dial, "the user add command");
    }

    private boolean addUser(String name, Role role, char[] password, Optional<String> dial, String by) {
        boolean added = users.add(name, role, password, dial.orElse("client:" + name));
        if (added) {
            admin.changed(by, name, "added as " + role.label());
        }
        return added;
    }

    /**
     * On a first start in demo mode, one user per role with a one-time password, printed here once: it
     * must be changed at first login, and is never printed again.
     */
    public void demoUsers() {
        if (!store.members("users").isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Role role : Role.values()) {
            String password = Users.randomPassword();
            if (users.add(role.label(), role, password.toCharArray(), "client:" + role.label())) {
                users.markOneTime(role.label());
                lines.append(String.format("%n    %-10s %s", role.label(), password));
            }
        }
        log.warn("DEMO MODE: created demo users with one-time passwords (shown only now; change at first login):{}",
                lines);
    }

    private void access(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            return;
        }
        Role needed = roles.stream().map(Role.class::cast).min(Role::compareTo).orElseThrow();
        boolean api = ctx.path().startsWith("/api/");
        Optional<Principal> who = api ? bearer(ctx).or(() -> session(ctx)) : session(ctx);
        if (who.isEmpty()) {
            if (api) {
                throw new UnauthorizedResponse("sign in, or send Authorization: Bearer API_TOKEN");
            }
            ctx.redirect("/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8), HttpStatus.FOUND);
            ctx.skipRemainingHandlers();
            return;
        }
        Principal p = who.get();
        if (!p.role().covers(needed)) {
            throw new ForbiddenResponse("this needs the " + needed.label() + " role");
        }
        if (changes(ctx) && !p.csrf().isEmpty() && !same(p.csrf(), csrfSent(ctx))) {
            throw new ForbiddenResponse("missing or wrong CSRF token: reload the page and try again");
        }
        if (!api && !ctx.path().equals("/password") && users.mustChangePassword(p.name())) {
            ctx.redirect("/password", HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(PRINCIPAL, p);
    }

    private Optional<Principal> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (apiToken.isEmpty() || header == null || !header.startsWith("Bearer ")) {
            return Optional.empty();
        }
        byte[] sent = header.substring(7).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(apiToken.get(), sent)
                ? Optional.of(new Principal("api", Role.ADMIN, "", "")) : Optional.empty();
    }

    private Optional<Principal> session(Context ctx) {
        return sessions.find(ctx.cookie(SESSION_COOKIE));
    }

    private void loginPage(Context ctx) {
        loginPage(ctx, HttpStatus.OK, "");
    }

    private void loginPage(Context ctx, HttpStatus status, String error) {
        String token = Sessions.token();
        cookie(ctx, LOGIN_COOKIE, token, Duration.ofHours(1));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("csrf", token);
        params.put("next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        params.put("error", error);
        ctx.status(status);
        pages.page(ctx, "login.jte", params);
    }

    private void login(Context ctx) {
        if (!same(ctx.cookie(LOGIN_COOKIE), ctx.formParam("_csrf"))) {
            loginPage(ctx, HttpStatus.FORBIDDEN, "The form had expired. Please sign in again.");
            return;
        }
        String name = String.valueOf(ctx.formParam("user")).strip().toLowerCase(Locale.ROOT);
        Map<String, Integer> attempt = Map.of("throttle:user:" + (name.matches(Users.NAME) ? name : "-"),
                MAX_FAILURES_PER_USER, "throttle:address:" + ctx.ip(), MAX_FAILURES_PER_ADDRESS);
        if (!throttle.attempt(attempt)) {
            ctx.header("Retry-After", Long.toString(THROTTLE_WINDOW.toSeconds()));
            loginPage(ctx, HttpStatus.TOO_MANY_REQUESTS, "Too many failed sign-ins. Wait a minute and try again.");
            return;
        }
        char[] password = String.valueOf(ctx.formParam("password")).toCharArray();
        Optional<Users.User> user = users.verify(name, password);
        if (user.isEmpty()) {
            failedSignIns.log(log, "failed sign-in from {}", LogSafe.text(ctx.ip()));
            loginPage(ctx, HttpStatus.UNAUTHORIZED, "That name and password do not match.");
            return;
        }
        throttle.refund(attempt);
        cookie(ctx, SESSION_COOKIE, sessions.open(user.get()), Sessions.LIFETIME);
        ctx.removeCookie(LOGIN_COOKIE, "/");
        ctx.redirect(users.mustChangePassword(name) ? "/password" : safeNext(ctx.formParam("next")), HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        sessions.close(ctx.cookie(SESSION_COOKIE));
        cookie(ctx, SESSION_COOKIE, "", Duration.ZERO);
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void passwordPage(Context ctx, String error) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("user", principal(ctx));
        params.put("oneTime", users.mustChangePassword(principal(ctx).name()));
        params.put("error", error);
        pages.page(ctx, "password.jte", params);
    }

    /**
     * A new password needs the current one (the one-time password, at a first sign-in), so a session left
     * open is not enough to take the account over; wrong guesses count like wrong sign-ins. Every other
     * session of the user ends: whoever else was signed in with the old password is signed out.
     */
    private void changePassword(Context ctx) {
        Principal me = principal(ctx);
        Map<String, Integer> attempt = Map.of("throttle:user:" + me.name(), MAX_FAILURES_PER_USER);
        if (!throttle.attempt(attempt)) {
            ctx.header("Retry-After", Long.toString(THROTTLE_WINDOW.toSeconds()));
            ctx.status(HttpStatus.TOO_MANY_REQUESTS);
            passwordPage(ctx, "Too many wrong passwords. Wait a minute and try again.");
            return;
        }
        if (users.verify(me.name(), String.valueOf(ctx.formParam("current")).toCharArray()).isEmpty()) {
            ctx.status(HttpStatus.FORBIDDEN);
            passwordPage(ctx, "That is not your current password.");
            return;
        }
        throttle.refund(attempt);
        String password = String.valueOf(ctx.formParam("password"));
        if (!password.equals(ctx.formParam("repeat"))) {
            ctx.status(HttpStatus.BAD_REQUEST);
            passwordPage(ctx, "The two passwords differ.");
            return;
        }
        try {
            users.setPassword(me.name(), password.toCharArray());
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            passwordPage(ctx, "Choose a password of 10 to 72 characters.");
            return;
        }
        long ended = sessions.endOthers(me.name(), ctx.cookie(SESSION_COOKIE));
        log.info("{} changed their password; {} other session(s) ended", me.name(), ended);
        ctx.redirect("/agent", HttpStatus.SEE_OTHER);
    }

    private void listUsers(Context ctx) {
        ctx.json(users.accounts().stream().map(a -> Map.of("name", a.user().name(), "role", a.user().role().label(),
                "dial", a.user().dial(), "disabled", a.disabled())).toList());
    }

    private void addUserFromApi(Context ctx) {
        String name = ctx.formParamAsClass("name", String.class).check(n -> n.matches(Users.NAME),
                "a user name is 2-32 lower-case letters, digits, '.', '_' or '-'").get();
        Role role = ctx.formParamAsClass("role", String.class).check(r -> List.of("agent", "supervisor", "admin")
                .contains(r), "role is agent, supervisor or admin").get().transform(Role::of);
        try {
            if (!addUser(name, role, String.valueOf(ctx.formParam("password")).toCharArray(),
                    Optional.ofNullable(ctx.formParam("dial")).filter(d -> !d.isBlank()), UserAdmin.by(principal(ctx)))) {
                ctx.status(HttpStatus.CONFLICT).json(Map.of("error", "user " + name + " exists"));
                return;
            }
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", e.getMessage()));
            return;
        }
        ctx.status(HttpStatus.CREATED).json(Map.of("name", name, "role", role.label()));
    }

    private static boolean changes(Context ctx) {
        HandlerType m = ctx.method();
        return m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS;
    }

    private static String csrfSent(Context ctx) {
        String header = ctx.header("X-CSRF-Token");
        return header != null ? header : ctx.formParam("_csrf");
    }

    private static boolean same(String expected, String sent) {
        return expected != null && sent != null && !expected.isEmpty()
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    /** Only a path on this site: never an absolute URL or {@code //host}, which would send a user elsewhere. */
    private static String safeNext(String next) {
        return next != null && next.matches("/[A-Za-z0-9/_?=&.%-]*") && !next.startsWith("//") ? next : "/agent";
    }

    private void cookie(Context ctx, String name, String value, Duration maxAge) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : ""));
    }
}
