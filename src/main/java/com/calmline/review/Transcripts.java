package com.calmline.review;

import com.calmline.speech.Transcriber;
import com.calmline.store.Store;
import com.calmline.web.Auth;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What was said on each call, kept for supervisors: the transcript ({@code call:{sid}:utterances}) and the
 * call's event stream ({@code call:{sid}:events}), which the simulator and the pages read back. Every
 * record is turned into JSON here and nowhere else.
 */
public final class Transcripts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One turn of the stored transcript: a speaker's utterance with word timings, or what the line said. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Turn(String track, long startMs, long endMs, String text, Double anger, String angerLevel,
                        List<Word> words) {
    }

    private record Word(String word, long startMs, long endMs, double confidence) {
    }

    private final Store store;

    public Transcripts(Store store) {
        this.store = store;
    }

    /** A caller (or agent) utterance, with how angry it sounded, into the transcript and the event stream. */
    public void utterance(Transcriber.Utterance u, double anger, String angerLevel) {
        double rounded = round(anger);
        List<Word> words = u.words().stream()
                .map(w -> new Word(w.word(), w.startMs(), w.endMs(), w.confidence())).toList();
        Turn turn = new Turn(u.track(), u.startMs(), u.endMs(), u.text(), rounded, angerLevel, words);
        CallEvent event = new CallEvent.Utterance(u.atMs(), u.track(), u.text(), u.startMs(), u.endMs(), rounded,
                angerLevel);
        store.appendUtterance(u.callSid(), json(turn), json(event));
    }

    /** What the line itself said: known text, so it is recorded rather than transcribed. */
    public void line(String callSid, long startMs, long endMs, String text) {
        store.appendUtterance(callSid, json(new Turn("line", startMs, endMs, text, null, null, null)), null);
    }

    public void record(String callSid, CallEvent event) {
        store.appendEvent(callSid, json(event));
    }

    public void updateCall(String callSid, Map<String, String> fields) {
        store.updateCall(callSid, fields);
    }

    /** The last event of every call: all its audio has been processed. */
    public void end(String callSid, long atMs) {
        record(callSid, new CallEvent.End(atMs, callSid));
    }

    public static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/calls/{sid}", this::call, Auth.Role.AGENT);
        routes.get("/api/calls/{sid}/events", this::events, Auth.Role.AGENT);
    }

    private void call(Context ctx) {
        String sid = ctx.pathParam("sid");
        Map<String, String> call = store.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("call", JSON.valueToTree(call));
        body.set("utterances", parse(store.utterances(sid)));
        ctx.json(body);
    }

    private void events(Context ctx) {
        String sid = ctx.pathParam("sid");
        List<String> events = store.events(sid);
        if (events.isEmpty() && store.call(sid).isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        ctx.json(parse(events));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static ArrayNode parse(List<String> jsonLines) {
        ArrayNode array = JSON.createArrayNode();
        for (String line : jsonLines) {
            try {
                array.add(JSON.readTree(line));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return array;
    }
}
