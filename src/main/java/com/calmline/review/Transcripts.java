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

    /** Records one call's utterances as they are recognised, and its end once all audio is processed. */
    public Transcriber.Listener recorder(String callSid) {
        return new Transcriber.Listener() {
            @Override
            public void onUtterance(Transcriber.Utterance u) {
                ObjectNode utterance = JSON.createObjectNode()
                        .put("track", u.track()).put("startMs", u.startMs()).put("endMs", u.endMs())
                        .put("text", u.text());
                ArrayNode words = utterance.putArray("words");
                u.words().forEach(w -> words.addObject().put("word", w.word()).put("startMs", w.startMs())
                        .put("endMs", w.endMs()).put("confidence", w.confidence()));
                ObjectNode event = JSON.createObjectNode().put("type", "utterance").put("atMs", u.atMs())
                        .put("track", u.track()).put("text", u.text())
                        .put("startMs", u.startMs()).put("endMs", u.endMs());
                store.appendUtterance(callSid, utterance.toString(), event.toString());
            }

            @Override
            public void onEnd(long atMs) {
                store.appendEvent(callSid, JSON.createObjectNode().put("type", "end").put("atMs", atMs)
                        .put("callSid", callSid).toString());
            }
        };
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
