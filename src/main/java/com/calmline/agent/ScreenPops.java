package com.calmline.agent;

import com.calmline.conversation.Handover;
import com.calmline.emotion.AngerMeter;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.routing.Router;
import com.calmline.store.Store;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hand-over from the line to a person: when the line routes, the {@link Router} chooses the queue, and
 * the screen-pop is built from what the line heard and said, stored ({@code call:{sid}:screenpop}), sent
 * with the caller as TaskRouter attributes, and the call is listed as waiting for every agent's page.
 */
public final class ScreenPops implements Handover {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String WAITING = "waiting";
    private static final int KEY_LINES = 4;
    private static final int EARLIER_CALLS = 50;
    /**
     * Built on the call's audio thread, which must never wait on Redis: who is calling is filled in when the
     * screen-pop is read. TaskRouter adds the caller's number to a task's attributes itself.
     */
    private static final ScreenPop.Caller UNKNOWN_CALLER = new ScreenPop.Caller("", 0, "", "");

    private final Router router;
    private final AngerMeter anger;
    private final Suggestions suggestions;
    private final Store store;
    private final Transcripts transcripts;
    private final MeterRegistry metrics;
    private final boolean taskRouter;
    /** Built when the route is planned, stored once Twilio takes it; built once per route. */
    private final Map<String, ScreenPop> planned = new ConcurrentHashMap<>();

    /**
     * {@code taskRouter}: routed callers become TaskRouter tasks, so the plan carries the screen-pop as task
     * attributes; otherwise nothing is serialised while the caller waits for the line to route them.
     */
    public ScreenPops(Router router, AngerMeter anger, Path promptsDir, Store store, Transcripts transcripts,
                      boolean taskRouter, MeterRegistry metrics) {
        this.router = router;
        this.anger = anger;
        this.suggestions = new Suggestions(promptsDir);
        this.store = store;
        this.transcripts = transcripts;
        this.metrics = metrics;
        this.taskRouter = taskRouter;
    }

    @Override
    public Plan plan(Facts facts) {
        Router.Route route = router.route(facts.callerWords(), facts.angerPeak());
        ScreenPop pop = build(facts, route);
        planned.put(facts.callSid(), pop);
        return new Plan(route.queue(), route.topic(), route.confidence(), route.reason(),
                taskRouter ? taskAttributes(pop) : "");
    }

    @Override
    public void routed(Facts facts, Plan plan, long atMs) {
        ScreenPop pop = Optional.ofNullable(planned.remove(facts.callSid())).orElseGet(() -> build(facts,
                new Router.Route(plan.queue(), plan.topic(), plan.confidence(), plan.reason())));
        transcripts.record(facts.callSid(), new CallEvent.Route(atMs, plan.queue(), plan.topic(), plan.confidence(),
                plan.reason()));
        transcripts.record(facts.callSid(), new CallEvent.ScreenPop(atMs, pop.topic(), pop.issue(), pop.angerNow(),
                pop.angerPeak(), pop.angerTrend(), pop.ventingSeconds(), pop.alreadySaid(), pop.suggestedOpening(),
                pop.suggestedResolutions(), pop.transcript().stream().map(t -> t.speaker() + ": " + t.text()).toList()));
        store.saveCallPart(facts.callSid(), "screenpop", json(pop));
        store.updateCall(facts.callSid(), Map.of("queue", plan.queue(), "topic", plan.topic(),
                "topicConfidence", Double.toString(plan.confidence()), "routed", pop.routedAt()));
        store.listCall(WAITING, System.currentTimeMillis(), facts.callSid());
        metrics.counter("calmline.routed", "queue", plan.queue(), "topic", plan.topic()).increment();
    }

    @Override
    public void ended(String callSid) {
        planned.remove(callSid);
        store.unlistCall(WAITING, callSid);
    }

    /**
     * The stored screen-pop with the caller's history and the transcript as they stand now (the transcript
     * grows while the caller waits). Read here, on a page's thread, never on the call's audio thread.
     */
    Optional<ScreenPop> current(String callSid) {
        return stored(callSid).map(s -> s.pop().withCaller(caller(callSid)).withTranscript(transcript(s.of())));
    }

    /** A screen-pop as stored, and the call it was stored for: {@code of}, whose transcript goes with it. */
    record Stored(ScreenPop pop, String of) {
    }

    /**
     * The call's screen-pop; for a customer who answered a callback ({@code callbackOf}), the screen-pop of the
     * call it follows, read through that call's sid (never copied), so it goes when that call expires or is
     * erased.
     */
    Optional<Stored> stored(String callSid) {
        Optional<String> own = store.callPart(callSid, "screenpop");
        if (own.isPresent()) {
            return own.map(s -> new Stored(read(s), callSid));
        }
        Map<String, String> call = store.call(callSid);
        String of = call.getOrDefault("callbackOf", "");
        if (of.isEmpty()) {
            return Optional.empty();
        }
        return store.callPart(of, "screenpop").map(s -> new Stored(read(s).forCallback(callSid,
                call.getOrDefault("queue", ""), "callback about the call " + of, call.getOrDefault("started", "")), of));
    }

    List<ScreenPop.Turn> transcript(String callSid) {
        List<ScreenPop.Turn> turns = new ArrayList<>();
        for (String line : store.utterances(callSid)) {
            JsonNode u = parse(line);
            String track = u.path("track").asText();
            String speaker = track.equals("line") ? "line" : track.equals("inbound") ? "caller" : "agent";
            turns.add(new ScreenPop.Turn(speaker, u.path("startMs").asLong(), u.path("text").asText(),
                    u.hasNonNull("anger") ? u.path("anger").asDouble() : null));
        }
        return turns;
    }

    private ScreenPop build(Facts facts, Router.Route route) {
        boolean heard = facts.alreadySaid().size() > 1;
        List<ScreenPop.Turn> transcript = facts.transcript().stream()
                .map(l -> new ScreenPop.Turn(l.speaker(), l.startMs(), l.text(), l.caller() ? l.anger() : null))
                .toList();
        return new ScreenPop(facts.callSid(), UNKNOWN_CALLER, route.topic(), route.confidence(), route.queue(),
                route.reason(), facts.issue(), facts.feeling(), facts.request(), keyLines(facts.transcript()),
                facts.angerNow(), anger.level(facts.angerNow()).label(), facts.angerPeak(),
                anger.level(facts.angerPeak()).label(), facts.angerTrend(), facts.ventingSeconds(), facts.alreadySaid(),
                suggestions.opening(route.topic(), facts.issue(), heard && anger.level(facts.angerPeak())
                        != AngerMeter.Level.CALM), suggestions.resolutions(route.topic()), Instant.now().toString(),
                transcript);
    }

    /** The caller's lines that carry most, angriest and fullest first, shown in the order they were said. */
    private static List<String> keyLines(List<Line> transcript) {
        List<Line> caller = transcript.stream().filter(Line::caller).filter(l -> !l.text().isBlank()).toList();
        List<Line> chosen = caller.stream()
                .sorted(Comparator.comparingDouble((Line l) -> l.anger() + l.text().split(" ").length / 40.0).reversed())
                .limit(KEY_LINES).toList();
        return caller.stream().filter(chosen::contains).map(Line::text).toList();
    }

    /** The caller's number and earlier calls from it, this one excluded. */
    private ScreenPop.Caller caller(String callSid) {
        String from = store.call(callSid).getOrDefault("from", "");
        if (from.isEmpty()) {
            return UNKNOWN_CALLER;
        }
        List<String> earlier = store.callsFrom(from, EARLIER_CALLS).stream().filter(s -> !s.equals(callSid)).toList();
        if (earlier.isEmpty()) {
            return new ScreenPop.Caller(from, 0, "", "");
        }
        Map<String, String> last = store.call(earlier.get(0));
        return new ScreenPop.Caller(from, earlier.size(), last.getOrDefault("started", ""),
                last.getOrDefault("topic", ""));
    }

    /** TaskRouter attributes: the screen-pop without the transcript, which the agent page shows live. */
    private static String taskAttributes(ScreenPop pop) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("type", "inbound");
        attributes.put("call_sid", pop.callSid());
        attributes.put("screenpop", pop.withTranscript(List.of()));
        return json(attributes);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    static ScreenPop read(String json) {
        try {
            return JSON.readValue(json, ScreenPop.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored screen-pop is not valid JSON", e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored utterance is not valid JSON", e);
        }
    }
}
