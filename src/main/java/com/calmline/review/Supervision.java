package com.calmline.review;

import com.calmline.store.CallStore;
import com.calmline.store.Channels;
import com.calmline.store.IndexStore;
import com.calmline.store.RecordStore;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.calmline.web.LiveFeed;
import com.calmline.web.Pages;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The supervisors' side, and what it needs wired: a dashboard ({@code /supervisor}), every call with filters
 * and full-text search ({@link CallList}), one call in full with its anger timeline ({@link CallDetail}),
 * export, erasure for admins ({@link Erasure}), the audit of who read what ({@link Views}), and hot-call alerts
 * on every open page, kept live by a {@link LiveFeed}. {@link Retention} keeps the retention promise for
 * indexes and logs. What the pages show is in {@link SupervisorViews}.
 */
public final class Supervision implements AutoCloseable {
    private static final int AUDIT_SHOWN = 500;
    /** The value of the feed's {@code page} parameter that asks for the dashboard's live parts. */
    static final String DASHBOARD = "dashboard";
    private static final long FIGURES_KEPT_NANOS = Duration.ofMinutes(1).toNanos();

    /**
     * @param alertAnger                  a live caller turn this angry (0-1) alerts every supervisor
     * @param alertAfterAcknowledgements  a caller still angry after this many acknowledgements alerts too
     * @param zone                        the operator's clock: what "today" is on the dashboard
     * @param retention                   how long transcripts, events and index entries are kept
     */
    public record Settings(double alertAnger, int alertAfterAcknowledgements, ZoneId zone, Duration retention) {
    }

    /** What another capability keeps about a call (callbacks), erased with the call. */
    @FunctionalInterface
    public interface Copies {
        void erase(String callSid);
    }

    private final Pages pages;
    private final Dashboard dashboard;
    private final Views views;
    private final Alerts alerts;
    private final CallList list;
    private final CallDetail detail;
    private final Erasure erasure;
    private final Retention retention;
    private final LiveFeed feed;
    /** The dashboard's own feed: its figures are read again only when a day's counters changed. */
    private final LiveFeed dashboardFeed;
    /**
     * The live parts as rendered, by part ("alerts", or "turns" and the call): the same for every supervisor,
     * so rendered (and read) once per change, on the feed's thread, and kept while a page shows them.
     */
    private final Map<String, String> rendered = new HashMap<>();
    private final Set<String> shownSinceChange = new HashSet<>();
    /** The dashboard's live parts as rendered, read and written only on its feed's thread. */
    private final Map<String, String> dashboardParts = new HashMap<>();
    private long figuresReadAt = System.nanoTime();

    public Supervision(CallStore calls, IndexStore indexes, RecordStore records, Channels channels, Pages pages,
                       Settings settings, Copies copies) {
        this.pages = pages;
        Moments moments = new Moments(settings.zone());
        CallRows rows = new CallRows(calls, moments);
        this.dashboard = new Dashboard(indexes, settings.zone());
        this.views = new Views(calls, indexes, moments);
        this.alerts = new Alerts(indexes, moments);
        this.list = new CallList(new CallIndex(indexes), calls, rows, alerts, pages, settings);
        this.detail = new CallDetail(calls, indexes, records, rows, views, alerts, pages, moments);
        this.erasure = new Erasure(calls, views, alerts, detail, pages, copies, settings.zone());
        this.retention = new Retention(indexes, settings.retention());
        this.feed = new LiveFeed("supervisor", channels, records, this::changed, this::fragments);
        this.dashboardFeed = new LiveFeed("dashboard", channels, records, this::dashboardChanged,
                (user, open) -> dashboardFragments());
    }

    public void register(RoutesConfig routes) {
        routes.get("/supervisor", this::home, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls", list::page, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls/{sid}", detail::page, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls/{sid}/export", detail::export, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls/{sid}/erase", erasure::confirm, Auth.Role.ADMIN);
        routes.post("/supervisor/calls/{sid}/erase", erasure::erase, Auth.Role.ADMIN);
        routes.get("/supervisor/audit", ctx -> pages.page(ctx, "supervisor/audit.jte",
                Map.of("audit", new SupervisorViews.Audit(Auth.principal(ctx), views.newest(AUDIT_SHOWN)))),
                Auth.Role.ADMIN);
        routes.sse("/supervisor/events", client -> {
            // A call's live transcript is a view of it, whether or not its page was loaded first.
            Optional.ofNullable(client.ctx().queryParam("call")).filter(CallSid::valid)
                    .ifPresent(sid -> views.viewed(Auth.principal(client.ctx()), sid, "page"));
            (DASHBOARD.equals(client.ctx().queryParam("page")) ? dashboardFeed : feed).join(client);
        }, Auth.Role.SUPERVISOR);
        routes.get("/api/supervisor/calls", list::api, Auth.Role.SUPERVISOR);
    }

    /** Starts the hourly retention pass. */
    public void start() {
        retention.start();
    }

    @Override
    public void close() {
        retention.close();
        feed.close();
        dashboardFeed.close();
    }

    private void home(Context ctx) {
        SupervisorViews.Figures figures = dashboard.figures();
        pages.page(ctx, "supervisor/home.jte", Map.of("home", new SupervisorViews.Home(Auth.principal(ctx), figures,
                Dashboard.chart(figures), alerts.recent())));
    }

    /**
     * On the dashboard, alerts are rendered again on every change (they also age out of the last hour); the
     * figures only when a day's counters were written (a call started or ended), which is what changes them.
     */
    private void dashboardChanged(Set<String> what) {
        dashboardParts.remove("alerts");
        if (what.stream().anyMatch(key -> key.startsWith(Dashboard.COUNTERS))) {
            dashboardParts.remove("figures");
        }
    }

    /**
     * The dashboard's live parts. Figures nothing announces (callbacks falling due, a new day) are read again
     * when a page connects and their last reading is over a minute old.
     */
    private Map<String, String> dashboardFragments() {
        dashboardParts.computeIfAbsent("alerts", k -> pages.render("supervisor/alerts.jte", Map.of("alerts",
                alerts.recent())));
        if (System.nanoTime() - figuresReadAt > FIGURES_KEPT_NANOS) {
            dashboardParts.remove("figures");
        }
        dashboardParts.computeIfAbsent("figures", k -> {
            figuresReadAt = System.nanoTime();
            SupervisorViews.Figures figures = dashboard.figures();
            return pages.render("supervisor/figures.jte", Map.of("f", figures, "chartJson", Dashboard.chart(figures)));
        });
        return Map.copyOf(dashboardParts);
    }

    /**
     * Calls changed, or alerts were raised: the alerts are rendered again (they also age out of the last hour),
     * and so is the transcript of every call that changed; what no page showed since the last change goes.
     */
    private void changed(Set<String> what) {
        rendered.keySet().retainAll(shownSinceChange);
        shownSinceChange.clear();
        rendered.remove("alerts");
        what.forEach(sid -> rendered.remove("turns " + sid));
    }

    /** The page's live parts: the alerts everywhere; on a call's page, its growing transcript too. */
    private Map<String, String> fragments(Auth.Principal user, Optional<String> open) {
        Map<String, String> parts = new HashMap<>();
        parts.put("alerts", part("alerts", () -> pages.render("supervisor/alerts.jte", Map.of("alerts",
                alerts.recent()))));
        open.ifPresent(sid -> parts.put("turns", part("turns " + sid, () -> {
            try {
                return pages.render("supervisor/turns.jte", Map.of("call", detail.detail(user, sid, "")));
            } catch (NotFoundResponse e) {
                return "<p class=\"empty\">This call has been erased.</p>";
            }
        })));
        return parts;
    }

    private String part(String key, Supplier<String> render) {
        shownSinceChange.add(key);
        return rendered.computeIfAbsent(key, k -> render.get());
    }
}
