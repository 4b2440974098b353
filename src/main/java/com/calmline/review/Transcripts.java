package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.speech.Transcriber;
import com.calmline.store.CallStore;
import com.calmline.store.IndexStore;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.List;
import java.util.Map;

/**
 * What was said on each call, kept for supervisors: the transcript ({@code call:{sid}:utterances}) and the
 * call's event stream ({@code call:{sid}:events}), which the simulator and the pages read back. Every
 * record is turned into JSON here and nowhere else.
 */
public final class Transcripts {

    /**
     * One turn of the stored transcript: the caller's or agent's utterance (redacted at the recogniser) with
     * word timings and anger, or what the line said. {@code speaker} is caller, agent or line.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Turn(String speaker, String track, long startMs, long endMs, String text, Double anger,
                String angerLevel, List<Word> words) {
    }

    private record Word(String word, long startMs, long endMs, double confidence) {
    }

    private final CallStore calls;
    private final IndexStore indexes;
    private final LiveCalls live;
    private final Views views;
    private final java.time.ZoneId zone;

    public Transcripts(CallStore calls, IndexStore indexes, Supervision.Settings settings) {
        this.calls = calls;
        this.indexes = indexes;
        this.zone = settings.zone();
        this.live = new LiveCalls(indexes, settings);
        this.views = new Views(calls, indexes, new Moments(settings.zone()));
    }

    /** A caller (or agent) utterance, with how angry it sounded, into the transcript and the event stream. */
    public void utterance(Transcriber.Utterance u, double anger, String angerLevel) {
        double rounded = round(anger);
        List<Word> words = u.words().stream()
                .map(w -> new Word(w.word(), w.startMs(), w.endMs(), w.confidence())).toList();
        String speaker = speaker(u.track());
        Turn turn = new Turn(speaker, u.track(), u.startMs(), u.endMs(), u.text(), rounded, angerLevel, words);
        CallEvent event = new CallEvent.Utterance(u.atMs(), u.track(), u.text(), u.startMs(), u.endMs(), rounded,
                angerLevel);
        calls.appendUtterance(u.callSid(), Json.write(turn), Json.write(event));
        live.heard(u.callSid(), u.atMs(), speaker, u.text(), rounded, angerLevel);
    }

    /** What the line itself said: known text, so it is recorded rather than transcribed. */
    public void line(String callSid, long startMs, long endMs, String text) {
        calls.appendUtterance(callSid, Json.write(new Turn("line", "line", startMs, endMs, text, null, null, null)),
                null);
    }

    public void record(String callSid, CallEvent event) {
        calls.appendEvent(callSid, Json.write(event));
        if (event instanceof CallEvent.Decision d) {
            live.decided(callSid, d);
        } else if (event instanceof CallEvent.Route r) {
            live.routed(callSid, r);
        } else if (event instanceof CallEvent.Summary s) {
            live.ended(callSid, s);
        }
    }

    /** An agent took the call, or wrapped it up: what the supervisors' list filters on. */
    public void tagCall(String callSid, Map<String, String> call, String facet, String value) {
        String old = call.getOrDefault(facet, "");
        long started = started(call);
        indexes.indexCall(callSid, started, CallIndex.facet(facet, value).stream().toList(),
                old.equals(value) ? List.of() : CallIndex.facet(facet, old).stream().toList());
    }

    public void updateCall(String callSid, Map<String, String> fields) {
        calls.updateCall(callSid, fields);
    }

    /**
     * A call the line could not transcribe (every transcribed line busy) went straight to {@code queue}: it
     * counts among the day's calls and routed calls, and as overflow, for the supervisors' dashboard.
     */
    public void overflowed(String callSid, long startedMs, String queue) {
        indexes.count("stats:" + Dashboard.day(startedMs, zone),
                Map.of("calls", 1L, "overflow", 1L, "queue:" + queue, 1L), null, 0, callSid);
    }

    /** The last event of every call: all its audio has been processed. */
    public void end(String callSid, long atMs) {
        record(callSid, new CallEvent.End(atMs, callSid));
        calls.updateCall(callSid, Map.of("durationMs", Long.toString(atMs)));
    }

    static String speaker(String track) {
        return switch (track) {
            case Transcriber.CALLER -> "caller";
            case Transcriber.AGENT -> "agent";
            default -> "line";
        };
    }

    static long started(Map<String, String> call) {
        try {
            return java.time.Instant.parse(call.getOrDefault("started", "")).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return System.currentTimeMillis();
        }
    }

    public static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * Records that {@code who} looked at the call ({@code what}: page, export, api, desk, screenpop), for the
     * audit README promises of every view.
     */
    public void viewed(Auth.Principal who, String callSid, String what) {
        views.viewed(who, callSid, what);
    }

    /**
     * The call's record and events, for whoever {@code access} lets read the call: agents the callers waiting
     * and their own calls, supervisors and the API token (tools such as {@code simulate}) every call.
     */
    public void register(RoutesConfig routes, Auth.CallAccess access) {
        routes.get("/api/calls/{sid}", ctx -> call(ctx, access), Auth.Role.AGENT);
        routes.get("/api/calls/{sid}/events", ctx -> events(ctx, access), Auth.Role.AGENT);
    }

    private void call(Context ctx, Auth.CallAccess access) {
        String sid = CallSid.of(ctx);
        Map<String, String> call = calls.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        access.require(Auth.principal(ctx), sid);
        views.viewed(Auth.principal(ctx), sid, "api");
        ObjectNode body = Json.object();
        body.set("call", Json.tree(call));
        body.set("utterances", parse(calls.utterances(sid)));
        ctx.json(body);
    }

    private void events(Context ctx, Auth.CallAccess access) {
        String sid = CallSid.of(ctx);
        List<String> events = calls.events(sid);
        if (events.isEmpty() && calls.call(sid).isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        access.require(Auth.principal(ctx), sid);
        views.viewed(Auth.principal(ctx), sid, "api");
        ctx.json(parse(events));
    }

    static ArrayNode parse(List<String> jsonLines) {
        ArrayNode array = Json.array();
        jsonLines.forEach(line -> array.add(Json.stored(line)));
        return array;
    }
}
