package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.privacy.Redactor;
import com.calmline.store.CallStore;
import com.calmline.store.IndexStore;
import com.calmline.store.RecordStore;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.calmline.web.Pages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One call in full for supervisors ({@code /supervisor/calls/{sid}}): its row, every turn, the line's decisions
 * and the anger timeline, the screen-pop, the wrap-up, its callbacks, and for admins who has read it; and the
 * same as a JSON file ({@code /export}). Every page view and export is in the audit.
 */
final class CallDetail {
    /** What the satisfaction follow-up's keys mean (see CallbackWebhooks). */
    private static final Map<String, String> FOLLOW_UP = Map.of("solved", "the problem is solved",
            "wants-to-talk", "wants to talk to someone", "no-answer", "pressed no key");
    private static final int CALLBACKS = 20;
    private static final int VIEWS = 50;

    private final CallStore calls;
    private final IndexStore indexes;
    private final RecordStore records;
    private final CallRows rows;
    private final Views views;
    private final Alerts alerts;
    private final Pages pages;
    private final Moments moments;

    CallDetail(CallStore calls, IndexStore indexes, RecordStore records, CallRows rows, Views views, Alerts alerts,
               Pages pages, Moments moments) {
        this.calls = calls;
        this.indexes = indexes;
        this.records = records;
        this.rows = rows;
        this.views = views;
        this.alerts = alerts;
        this.pages = pages;
        this.moments = moments;
    }

    void page(Context ctx) {
        String sid = CallSid.of(ctx);
        SupervisorViews.Detail detail = detail(Auth.principal(ctx), sid, "");
        views.viewed(Auth.principal(ctx), sid, "page");
        pages.page(ctx, "supervisor/call.jte", Map.of("call", detail));
    }

    void export(Context ctx) {
        String sid = CallSid.of(ctx);
        Map<String, String> call = calls.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        views.viewed(Auth.principal(ctx), sid, "export");
        ObjectNode body = Json.object();
        Map<String, String> shownCall = new LinkedHashMap<>(call);
        shownCall.computeIfPresent("from", (k, v) -> Redactor.phone(v));
        body.set("call", Json.tree(shownCall));
        body.set("turns", Transcripts.parse(calls.utterances(sid)));
        body.set("events", Transcripts.parse(calls.events(sid)));
        calls.callPart(sid, "screenpop").ifPresent(p -> body.set("screenpop", Json.stored(p)));
        body.set("callbacks", Json.tree(callbacks(sid)));
        ctx.header("Content-Disposition", "attachment; filename=\"call-" + sid + ".json\"");
        ctx.json(body);
    }

    /** The call's head: date, caller (masked), topic, duration. */
    SupervisorViews.Row row(String sid, Map<String, String> call) {
        return rows.row(sid, call);
    }

    /** The call as its page shows it, with {@code notice} on top; 404 when there is no such call (or no more). */
    SupervisorViews.Detail detail(Auth.Principal user, String sid, String notice) {
        Map<String, String> call = calls.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        AngerTimeline timeline = AngerTimeline.of(call, calls.utterances(sid), calls.events(sid));
        Optional<SupervisorViews.PopView> pop = calls.callPart(sid, "screenpop").map(Json::stored)
                .map(p -> new SupervisorViews.PopView(p.path("topic").asText(), p.path("queue").asText(),
                        p.path("issue").asText(), p.path("feeling").asText(), p.path("request").asText(),
                        p.path("suggestedOpening").asText(), strings(p.path("suggestedResolutions")),
                        strings(p.path("alreadySaid"))));
        List<SupervisorViews.Seen> seen = user.role() == Auth.Role.ADMIN ? views.of(sid, VIEWS) : List.of();
        return new SupervisorViews.Detail(user, rows.row(sid, call), timeline.turns(), timeline.decisions(),
                timeline.json(), pop, callbacks(sid), wrapUp(call), seen, alerts.recent(), notice);
    }

    /** The agent's wrap-up and the follow-up's answer, labelled as a person reads them; only what was recorded. */
    private Map<String, String> wrapUp(Map<String, String> call) {
        Map<String, String> shown = new LinkedHashMap<>();
        put(shown, "Outcome", call.get("outcome"));
        put(shown, "Note", call.get("note"));
        put(shown, "Wrapped up by", call.get("wrappedUpBy"));
        put(shown, "Wrapped up", moments.at(call.get("wrappedUp")));
        Optional.ofNullable(call.get("followUp")).filter(v -> !v.isEmpty()).ifPresent(v -> {
            String when = moments.at(call.get("followUpAt"));
            shown.put("Follow-up call", FOLLOW_UP.getOrDefault(v, v) + (when.isEmpty() ? "" : ", " + when));
        });
        return shown;
    }

    private static void put(Map<String, String> shown, String label, String value) {
        if (value != null && !value.isEmpty()) {
            shown.put(label, value);
        }
    }

    /** The call's callbacks, due on the operator's clock and, when it differs, on the customer's. */
    private List<SupervisorViews.CallbackView> callbacks(String sid) {
        List<SupervisorViews.CallbackView> out = new ArrayList<>();
        for (String id : indexes.newest("call:" + sid + ":callbacks", CALLBACKS)) {
            Map<String, String> c = records.record("callback:" + id);
            if (!c.isEmpty()) {
                String due;
                try {
                    due = moments.at(Long.parseLong(c.getOrDefault("due", "0")),
                            ZoneId.of(c.getOrDefault("zone", "UTC")));
                } catch (RuntimeException e) {
                    due = "";
                }
                out.add(new SupervisorViews.CallbackView(id, c.getOrDefault("kind", ""), due,
                        c.getOrDefault("status", ""), c.getOrDefault("reason", "")));
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
