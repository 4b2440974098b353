package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.privacy.Redactor;
import com.calmline.store.Store;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.calmline.web.LiveFeed;
import com.calmline.web.Pages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisors' side: a dashboard ({@code /supervisor}), every call with filters and full-text search
 * ({@code /supervisor/calls}), one call in full with its anger timeline ({@code /supervisor/calls/{sid}}),
 * export, erasure for admins, the audit of who read what, and hot-call alerts on every open page. Also keeps
 * the retention promise for indexes and logs, whose entries cannot expire one by one.
 */
public final class Supervision implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervision.class);
    private static final int PAGE = 25;
    private static final List<String> OUTCOMES = List.of("resolved", "follow-up", "escalated");
    private static final Duration ALERTS_SHOWN = Duration.ofHours(1);
    private static final String IN_PROGRESS = "This call is still in progress (the line is still hearing it, or the "
            + "caller is waiting for an agent). Erase it once it has ended, so that nothing it still writes brings it back.";
    /** Angry turns closer together than this are one stretch of venting on the timeline. */
    private static final long VENTING_GAP_MS = 3000;

    /**
     * @param alertAnger                  a live caller turn this angry (0-1) alerts every supervisor
     * @param alertAfterAcknowledgements  a caller still angry after this many acknowledgements alerts too
     * @param zone                        the operator's clock: what "today" is on the dashboard
     * @param retention                   how long transcripts, events and index entries are kept
     */
    public record Settings(double alertAnger, int alertAfterAcknowledgements, ZoneId zone, Duration retention) {
    }

    /** One call in the list. */
    public record Row(String callSid, String date, String caller, String duration, String topic, String queue,
                      String agent, String angerPeak, String level, String talkOvers, String outcome, boolean live) {
    }

    /** What the list was asked for, as typed (so the form shows it again). */
    public record Filters(String from, String to, String anger, String topic, String queue, String agent,
                          String outcome, String q) {
        public List<String> outcomes() {
            return OUTCOMES;
        }

        public List<String> angerSteps() {
            return CallIndex.ANGER_STEPS;
        }
    }

    public record Alert(String callSid, String at, String reason, String anger, String said) {
    }

    public record CallList(Auth.Principal user, Filters filters, List<Row> rows, long total, int page, int pages,
                           String previous, String next, List<Alert> alerts, String notice) {
        public String eventsUrl() {
            return "/supervisor/events";
        }
    }

    public record Home(Auth.Principal user, Figures figures, String chartJson, List<Alert> alerts) {
        public String eventsUrl() {
            return "/supervisor/events";
        }
    }

    public record TurnView(String speaker, String at, String text, String anger, String level) {
    }

    public record DecisionView(String at, String action, String state, String reason, String say) {
    }

    public record PopView(String topic, String queue, String issue, String feeling, String request,
                          String opening, List<String> resolutions, List<String> alreadySaid) {
    }

    public record CallbackView(String id, String kind, String due, String status, String reason) {
    }

    public record Detail(Auth.Principal user, Row row, List<TurnView> turns, List<DecisionView> decisions,
                         String timelineJson, Optional<PopView> pop, List<CallbackView> callbacks,
                         Map<String, String> wrapUp, List<View> views, List<Alert> alerts, String notice) {
        public boolean admin() {
            return user.role() == Auth.Role.ADMIN;
        }

        public String eventsUrl() {
            return "/supervisor/events?call=" + row.callSid();
        }
    }

    /** One period's figures: shares are 0-1, or NaN with no calls to share. */
    public record Period(String label, long calls, double arrivedAngry, double calmedBeforeAgent, double medianVentingSeconds,
                  long talkOvers, long overflow, Map<String, Long> byQueue, Map<String, Long> byTopic) {
        public String percent(double share) {
            return Double.isNaN(share) ? "–" : Math.round(share * 100) + " %";
        }

        public String seconds() {
            return Double.isNaN(medianVentingSeconds) ? "–" : String.format(Locale.ROOT, "%.1f s", medianVentingSeconds);
        }
    }

    /** A day of the week's chart: calls, and callers who arrived angry. */
    public record Day(String date, long epochSeconds, long calls, long arrivedAngry) {
    }

    public record Figures(Period today, Period week, List<Day> days, long callbacksDue, long callbacksFailed) {
        public long max(Map<String, Long> counts) {
            return counts.values().stream().mapToLong(Long::longValue).max().orElse(1);
        }
    }

    /** One look at a call: {@code what} is page, export, api, desk, screenpop or erase. */
    public record View(String who, String role, String callSid, String what, long atMs) {
        public String at() {
            return java.time.Instant.ofEpochMilli(atMs).toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z");
        }
    }

    public record Audit(Auth.Principal user, List<View> views) {
    }

    /** What another capability keeps about a call (callbacks), erased with the call. */
    @FunctionalInterface
    public interface Copies {
        void erase(String callSid);
    }

    private final Store store;
    private final Pages pages;
    private final Settings settings;
    private final CallIndex index;
    private final Dashboard dashboard;
    private final Views views;
    private final LiveFeed feed;
    private final ScheduledExecutorService retention;
    private final DateTimeFormatter shown;
    private final Copies copies;

    public Supervision(Store store, Pages pages, Settings settings, Copies copies) {
        this.store = store;
        this.copies = copies;
        this.pages = pages;
        this.settings = settings;
        this.index = new CallIndex(store);
        this.dashboard = new Dashboard(store, settings.zone());
        this.views = new Views(store);
        this.shown = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH).withZone(settings.zone());
        this.feed = new LiveFeed("supervisor", store, this::fragments);
        this.retention = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "review-retention");
            t.setDaemon(true);
            return t;
        });
    }

    public void register(RoutesConfig routes) {
        routes.get("/supervisor", this::home, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls", this::list, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls/{sid}", this::detail, Auth.Role.SUPERVISOR);
        routes.get("/supervisor/calls/{sid}/export", this::export, Auth.Role.SUPERVISOR);
        routes.post("/supervisor/calls/{sid}/erase", this::erase, Auth.Role.ADMIN);
        routes.get("/supervisor/audit", ctx -> pages.page(ctx, "supervisor/audit.jte",
                Map.of("audit", new Audit(Auth.principal(ctx), views.newest(500)))), Auth.Role.ADMIN);
        routes.sse("/supervisor/events", client -> {
            // A call's live transcript is a view of it, whether or not its page was loaded first.
            Optional.ofNullable(client.ctx().queryParam("call")).filter(CallSid::valid)
                    .ifPresent(sid -> views.viewed(Auth.principal(client.ctx()), sid, "page"));
            feed.join(client);
        }, Auth.Role.SUPERVISOR);
        routes.get("/api/supervisor/calls", ctx -> {
            Filters f = filters(ctx);
            CallIndex.Page found = index.search(query(f, page(ctx)));
            ctx.json(Map.of("total", found.total(), "calls", rows(found.callSids())));
        }, Auth.Role.SUPERVISOR);
    }

    /** Retention for sets: hourly, entries older than the retention period leave every index and log. */
    public void start() {
        retention.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
    }

    void prune() {
        try {
            long before = System.currentTimeMillis() - settings.retention().toMillis();
            long dropped = store.prune(before, List.of("calls:by-start"));
            log.info("retention: {} index entries older than {} days dropped", dropped, settings.retention().toDays());
        } catch (RuntimeException e) {
            log.warn("retention pass failed, tried again in an hour: {}", e.toString());
        }
    }

    @Override
    public void close() {
        retention.shutdownNow();
        feed.close();
    }

    private void home(Context ctx) {
        Figures figures = dashboard.figures();
        ObjectNode chart = Json.object();
        ArrayNode x = chart.putArray("x");
        ArrayNode calls = chart.putArray("calls");
        ArrayNode angry = chart.putArray("angry");
        figures.days().forEach(d -> {
            x.add(d.epochSeconds());
            calls.add(d.calls());
            angry.add(d.arrivedAngry());
        });
        pages.page(ctx, "supervisor/home.jte", Map.of("home", new Home(Auth.principal(ctx), figures,
                chart.toString(), alerts())));
    }

    private void list(Context ctx) {
        Filters f = filters(ctx);
        int page = page(ctx);
        CallIndex.Page found = index.search(query(f, page));
        int last = (int) Math.max(1, (found.total() + PAGE - 1) / PAGE);
        String notice = "erased".equals(ctx.queryParam("notice")) ? "The call was erased." : "";
        pages.page(ctx, "supervisor/calls.jte", Map.of("list", new CallList(Auth.principal(ctx), f,
                rows(found.callSids()), found.total(), page, last, page > 1 ? url(f, page - 1) : "",
                page < last ? url(f, page + 1) : "", alerts(), notice)));
    }

    private void detail(Context ctx) {
        String sid = CallSid.of(ctx);
        Detail detail = detail(Auth.principal(ctx), sid);
        views.viewed(Auth.principal(ctx), sid, "page");
        pages.page(ctx, "supervisor/call.jte", Map.of("call", detail));
    }

    private void export(Context ctx) {
        String sid = CallSid.of(ctx);
        Map<String, String> call = store.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        views.viewed(Auth.principal(ctx), sid, "export");
        ObjectNode body = Json.object();
        Map<String, String> shownCall = new LinkedHashMap<>(call);
        shownCall.computeIfPresent("from", (k, v) -> Redactor.phone(v));
        body.set("call", Json.tree(shownCall));
        body.set("turns", Transcripts.parse(store.utterances(sid)));
        body.set("events", Transcripts.parse(store.events(sid)));
        store.callPart(sid, "screenpop").ifPresent(p -> body.set("screenpop", Json.stored(p)));
        body.set("callbacks", Json.tree(callbacks(sid)));
        ctx.header("Content-Disposition", "attachment; filename=\"call-" + sid + ".json\"");
        ctx.json(body);
    }

    /**
     * Erases the call and every copy of it: callbacks' links and reasons, alerts, the audit's reads of it
     * (the erasure itself stays), its place in every index. Refused while the call is in progress: the line
     * would go on writing it, and a caller waiting for an agent would vanish from every desk. Copies go first,
     * so a failure part-way leaves the call there to erase again.
     */
    private void erase(Context ctx) {
        String sid = CallSid.of(ctx);
        Map<String, String> call = store.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        boolean json = ctx.path().startsWith("/api/") || "application/json".equals(ctx.header("Accept"));
        boolean heard = !call.containsKey("durationMs") && store.exists("call:" + sid + ":live");
        if (heard || store.isListed("waiting", sid)) {
            ctx.status(HttpStatus.CONFLICT);
            if (json) {
                ctx.json(Map.of("error", IN_PROGRESS));
            } else {
                pages.page(ctx, "supervisor/call.jte", Map.of("call", detail(Auth.principal(ctx), sid, IN_PROGRESS)));
            }
            return;
        }
        List<String> texts = new ArrayList<>();
        for (String turn : store.utterances(sid)) {
            texts.add(Json.stored(turn).path("text").asText(""));
        }
        copies.erase(sid);
        List<String> alerts = store.newest(LiveCalls.ALERTS, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                Integer.MAX_VALUE).stream().filter(a -> LiveCalls.read(a).callSid().equals(sid)).toList();
        store.erase(sid, CallIndex.keysOf(call, texts,
                LocalDate.parse(Dashboard.day(Transcripts.started(call), settings.zone()))),
                Map.of(LiveCalls.ALERTS, alerts, Views.ALL, views.entriesOf(sid)));
        views.viewed(Auth.principal(ctx), sid, "erase");
        log.info("call {}: erased by {}", sid, Auth.principal(ctx).name());
        if (json) {
            ctx.json(Map.of("erased", sid));
        } else {
            ctx.redirect("/supervisor/calls?notice=erased", HttpStatus.SEE_OTHER);
        }
    }

    private Detail detail(Auth.Principal user, String sid) {
        return detail(user, sid, "");
    }

    private Detail detail(Auth.Principal user, String sid, String notice) {
        Map<String, String> call = store.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        List<TurnView> turns = new ArrayList<>();
        ObjectNode timeline = Json.object();
        ArrayNode caller = timeline.putArray("caller");
        ArrayNode agent = timeline.putArray("agent");
        ArrayNode venting = timeline.putArray("venting");
        long ventStart = -1;
        long ventEnd = -1;
        for (String line : store.utterances(sid)) {
            JsonNode t = Json.stored(line);
            String speaker = t.path("speaker").asText(Transcripts.speaker(t.path("track").asText()));
            long start = t.path("startMs").asLong();
            boolean scored = t.has("anger");
            turns.add(new TurnView(speaker, clock(start), t.path("text").asText(),
                    scored ? String.format(Locale.ROOT, "%.2f", t.path("anger").asDouble()) : "",
                    t.path("angerLevel").asText("")));
            if (scored) {
                ArrayNode point = (speaker.equals("agent") ? agent : caller).addArray();
                point.add(start / 1000.0).add(t.path("anger").asDouble());
            }
            if (speaker.equals("caller") && "angry".equals(t.path("angerLevel").asText())) {
                if (ventStart >= 0 && start - ventEnd > VENTING_GAP_MS) {
                    venting.addArray().add(ventStart / 1000.0).add(ventEnd / 1000.0);
                    ventStart = -1;
                }
                ventStart = ventStart < 0 ? start : ventStart;
                ventEnd = t.path("endMs").asLong();
            }
        }
        if (ventStart >= 0) {
            venting.addArray().add(ventStart / 1000.0).add(ventEnd / 1000.0);
        }
        List<DecisionView> decisions = new ArrayList<>();
        ArrayNode marks = timeline.putArray("decisions");
        for (String line : store.events(sid)) {
            JsonNode e = Json.stored(line);
            String type = e.path("type").asText();
            if (type.equals("decision") && !e.path("action").asText().equals("wait")) {
                decisions.add(new DecisionView(clock(e.path("atMs").asLong()), e.path("action").asText(),
                        e.path("state").asText(), e.path("reason").asText(), e.path("say").asText()));
                marks.addArray().add(e.path("atMs").asLong() / 1000.0).add(e.path("action").asText());
            } else if (type.equals("agent-joined")) {
                decisions.add(new DecisionView(clock(e.path("atMs").asLong()), "agent joined", "WITH_AGENT",
                        "the caller was put through to " + call.getOrDefault("agent", "an agent"), ""));
                marks.addArray().add(e.path("atMs").asLong() / 1000.0).add("agent");
            } else if (type.equals("route")) {
                decisions.add(new DecisionView(clock(e.path("atMs").asLong()), "route to " + e.path("queue").asText(),
                        "ROUTING", "topic " + e.path("topic").asText() + ": " + e.path("reason").asText(), ""));
            }
        }
        Optional<PopView> pop = store.callPart(sid, "screenpop").map(Json::stored).map(p -> new PopView(
                p.path("topic").asText(), p.path("queue").asText(), p.path("issue").asText(),
                p.path("feeling").asText(), p.path("request").asText(), p.path("suggestedOpening").asText(),
                strings(p.path("suggestedResolutions")), strings(p.path("alreadySaid"))));
        Map<String, String> wrapUp = new LinkedHashMap<>();
        for (String field : List.of("outcome", "note", "wrappedUpBy", "wrappedUp", "followUp")) {
            Optional.ofNullable(call.get(field)).filter(v -> !v.isEmpty()).ifPresent(v -> wrapUp.put(field, v));
        }
        List<View> seen = user.role() == Auth.Role.ADMIN ? views.of(sid, 50) : List.of();
        return new Detail(user, row(sid, call), turns, decisions, timeline.toString(), pop, callbacks(sid), wrapUp,
                seen, alerts(), notice);
    }

    private List<CallbackView> callbacks(String sid) {
        List<CallbackView> out = new ArrayList<>();
        for (String id : store.newest("call:" + sid + ":callbacks", 20)) {
            Map<String, String> c = store.record("callback:" + id);
            if (!c.isEmpty()) {
                String due;
                try {
                    due = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm z", Locale.ENGLISH).format(Instant.ofEpochMilli(
                            Long.parseLong(c.getOrDefault("due", "0"))).atZone(ZoneId.of(c.getOrDefault("zone", "UTC"))));
                } catch (RuntimeException e) {
                    due = "";
                }
                out.add(new CallbackView(id, c.getOrDefault("kind", ""), due, c.getOrDefault("status", ""),
                        c.getOrDefault("reason", "")));
            }
        }
        return out;
    }

    /** The page's live parts: the alerts everywhere; on a call's page, its growing transcript too. */
    private Map<String, String> fragments(Auth.Principal user, Optional<String> open) {
        Map<String, String> parts = new HashMap<>();
        List<Alert> alerts = alerts();
        parts.put("alerts", pages.render("supervisor/alerts.jte", Map.of("alerts", alerts)));
        open.ifPresent(sid -> {
            try {
                parts.put("turns", pages.render("supervisor/turns.jte", Map.of("call", detail(user, sid))));
            } catch (NotFoundResponse e) {
                parts.put("turns", "<p class=\"empty\">This call has been erased.</p>");
            }
        });
        return parts;
    }

    private List<Alert> alerts() {
        long since = System.currentTimeMillis() - ALERTS_SHOWN.toMillis();
        return store.newest(LiveCalls.ALERTS, since, Double.POSITIVE_INFINITY, 0, 20).stream().map(LiveCalls::read)
                .map(a -> new Alert(a.callSid(), shown.format(Instant.ofEpochMilli(a.atMs())), a.reason(),
                        String.format(Locale.ROOT, "%.2f", a.anger()), a.said())).toList();
    }

    private List<Row> rows(List<String> sids) {
        List<Map<String, String>> calls = store.calls(sids);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sids.size(); i++) {
            if (!calls.get(i).isEmpty()) {
                rows.add(row(sids.get(i), calls.get(i)));
            }
        }
        return rows;
    }

    private Row row(String sid, Map<String, String> c) {
        double peak = parse(c.get("angerPeak"));
        String level = peak >= 0.5 ? "angry" : peak >= 0.25 ? "annoyed" : "calm";
        long ms = (long) parse(c.get("durationMs"));
        boolean live = !c.containsKey("durationMs");
        return new Row(sid, shown.format(Instant.ofEpochMilli(Transcripts.started(c))), Redactor.phone(c.getOrDefault("from", "")),
                live ? "live" : String.format(Locale.ROOT, "%d:%02d", ms / 60000, ms / 1000 % 60),
                c.getOrDefault("topic", ""), c.getOrDefault("queue", ""), c.getOrDefault("agent", ""),
                c.containsKey("angerPeak") ? String.format(Locale.ROOT, "%.2f", peak) : "", level,
                c.getOrDefault("talkOvers", ""), c.getOrDefault("outcome", ""), live);
    }

    private Filters filters(Context ctx) {
        return new Filters(param(ctx, "from"), param(ctx, "to"), param(ctx, "anger"), param(ctx, "topic"),
                param(ctx, "queue"), param(ctx, "agent"), param(ctx, "outcome"), param(ctx, "q"));
    }

    private CallIndex.Query query(Filters f, int page) {
        long from = Math.max(day(f.from(), 0).orElse(0L),
                System.currentTimeMillis() - settings.retention().toMillis());
        long to = day(f.to(), 1).map(t -> t - 1).orElse(Long.MAX_VALUE / 2);
        if (!f.anger().isEmpty() && !CallIndex.ANGER_STEPS.contains(f.anger())) {
            throw new BadRequestResponse("anger is one of " + CallIndex.ANGER_STEPS);
        }
        if (!f.outcome().isEmpty() && !OUTCOMES.contains(f.outcome())) {
            throw new BadRequestResponse("outcome is one of " + OUTCOMES);
        }
        return new CallIndex.Query(from, to, f.anger(), f.topic(), f.queue(), f.agent(), f.outcome(), f.q(),
                (page - 1) * PAGE, PAGE);
    }

    /** The start of {@code date} plus {@code days}, on the operator's clock. */
    private Optional<Long> day(String date, int days) {
        if (date.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(date).plusDays(days).atStartOfDay(settings.zone()).toInstant()
                    .toEpochMilli());
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse("a date is YYYY-MM-DD: " + date);
        }
    }

    private static String url(Filters f, int page) {
        StringBuilder url = new StringBuilder("/supervisor/calls?page=" + page);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("from", f.from());
        params.put("to", f.to());
        params.put("anger", f.anger());
        params.put("topic", f.topic());
        params.put("queue", f.queue());
        params.put("agent", f.agent());
        params.put("outcome", f.outcome());
        params.put("q", f.q());
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                url.append('&').append(k).append('=').append(java.net.URLEncoder.encode(v,
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        return url.toString();
    }

    private static int page(Context ctx) {
        if (ctx.queryParam("page") == null) {
            return 1;
        }
        return ctx.queryParamAsClass("page", Integer.class).check(p -> p >= 1 && p <= 100_000,
                "page is a number from 1 to 100000").get();
    }

    private static String param(Context ctx, String name) {
        String v = Optional.ofNullable(ctx.queryParam(name)).orElse("").strip();
        if (v.length() > 200) {
            throw new BadRequestResponse(name + " is at most 200 characters");
        }
        return v;
    }

    private static String clock(long ms) {
        return String.format(Locale.ROOT, "%d:%02d", ms / 60000, ms / 1000 % 60);
    }

    private static double parse(String v) {
        try {
            return v == null ? 0 : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
