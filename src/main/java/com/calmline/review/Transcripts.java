package com.calmline.review;

import com.calmline.speech.Transcriber;
import com.calmline.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
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
 * call's event stream ({@code call:{sid}:events}), which the simulator and the pages read back.
 */
public final class Transcripts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;

    public Transcripts(Store store) {
        this.store = store;
    }

    /** A caller (or agent) utterance, with how angry it sounded, into the transcript and the event stream. */
    public void utterance(Transcriber.Utterance u, double anger, String angerLevel) {
        ObjectNode utterance = JSON.createObjectNode()
                .put("track", u.track()).put("startMs", u.startMs()).put("endMs", u.endMs())
                .put("text", u.text()).put("anger", round(anger)).put("angerLevel", angerLevel);
        ArrayNode words = utterance.putArray("words");
        u.words().forEach(w -> words.addObject().put("word", w.word()).put("startMs", w.startMs())
                .put("endMs", w.endMs()).put("confidence", w.confidence()));
        ObjectNode event = JSON.createObjectNode().put("type", "utterance").put("atMs", u.atMs())
                .put("track", u.track()).put("text", u.text()).put("startMs", u.startMs()).put("endMs", u.endMs())
                .put("anger", round(anger)).put("angerLevel", angerLevel);
        store.appendUtterance(u.callSid(), utterance.toString(), event.toString());
    }

    /** What the line itself said: known text, so it is recorded rather than transcribed. */
    public void line(String callSid, long atMs, String text) {
        store.appendUtterance(callSid, JSON.createObjectNode().put("track", "line").put("startMs", atMs)
                .put("endMs", atMs).put("text", text).toString(), null);
    }

    /** Any other event of the call; it must carry {@code type} and {@code atMs}. */
    public void event(String callSid, ObjectNode event) {
        if (!event.hasNonNull("type") || !event.hasNonNull("atMs")) {
            throw new IllegalArgumentException("an event needs type and atMs: " + event);
        }
        store.appendEvent(callSid, event.toString());
    }

    public void updateCall(String callSid, Map<String, String> fields) {
        store.updateCall(callSid, fields);
    }

    /** The last event of every call: all its audio has been processed. */
    public void end(String callSid, long atMs) {
        event(callSid, JSON.createObjectNode().put("type", "end").put("atMs", atMs).put("callSid", callSid));
    }

    /** A new event of {@code type} at {@code atMs}, to fill in and pass to {@link #event}. */
    public static ObjectNode newEvent(String type, long atMs) {
        return JSON.createObjectNode().put("type", type).put("atMs", atMs);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/calls/{sid}", this::call);
        routes.get("/api/calls/{sid}/events", this::events);
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

    private static ArrayNode parse(List<String> jsonLines) {
        ArrayNode array = JSON.createArrayNode();
        for (String line : jsonLines) {
            try {
                array.add(JSON.readTree(line));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return array;
    }
}
