package com.calmline.agent;

import com.calmline.conversation.Handover;
import com.calmline.emotion.AngerMeter;
import com.calmline.json.Json;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.routing.Router;
import com.calmline.store.CallStore;
import com.calmline.telephony.TwilioRoutes;
import com.fasterxml.jackson.databind.JsonNode;
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
 * with the caller as TaskRouter attributes, and the call is listed as waiting for every agent's page. A caller
 * put through without the line (every line busy, 0 pressed, the audio lost, a shutdown) is listed too, with
 * what is known of them.
 */
public final class ScreenPops implements Handover, TwilioRoutes.WaitingList {
    static final String WAITING = "waiting";
    private static final int KEY_LINES = 4;
    private static final int EARLIER_CALLS = 50;
    /**
     * Built on the call's audio thread, which must never wait on Redis: who is calling is filled in when the
     * screen-pop is read. TaskRouter adds the caller's number to a task's attributes itself.
     */
    private static final ScreenPop.Caller UNKNOWN_CALLER = new ScreenPop.Caller("", 0, "", "");
    /** Why a caller was put straight through, as the agent reads it after "because". */
    private static final Map<String, String> PUT_THROUGH = Map.of(
            "overflow", "every line that listens was busy",
            "pressed-0", "they pressed 0 for a person",
            "lost", "the line lost their audio",
            "shutdown", "the line restarted while they were talking");
    /** The mood of a caller the line never heard. */
    static final String UNHEARD = "unheard";

    /**
     * A caller as the desk shows them: the screen-pop, or for one put straight through, what is known of them
     * and {@code because} (why there is no summary; empty when the line routed them); {@code of}: the call whose
     * transcript goes with it (the call a callback follows, for a customer who answered one).
     */
    record Waiting(ScreenPop pop, String because, String of) {
    }

    private final Router router;
    private final AngerMeter anger;
    private final Suggestions suggestions;
    private final CallStore calls;
    private final Transcripts transcripts;
    private final MeterRegistry metrics;
    private final boolean taskRouter;
    /** Built when the route is planned, stored once Twilio takes it; built once per route. */
    private final Map<String, ScreenPop> planned = new ConcurrentHashMap<>();

    /**
     * {@code taskRouter}: routed callers become TaskRouter tasks, so the plan carries the screen-pop as task
     * attributes; otherwise nothing is serialised while the caller waits for the line to route them.
     */
    public ScreenPops(Router router, AngerMeter anger, Path promptsDir, CallStore calls, Transcripts transcripts,
                      boolean taskRouter, MeterRegistry metrics) {
        this.router = router;
        this.anger = anger;
        this.suggestions = new Suggestions(promptsDir);
        this.calls = calls;
        this.transcripts = transcripts;
        this.metrics = metrics;
        this.taskRouter = taskRouter;
    }

    @Override
    public Plan plan(Facts facts) {
        Router.Route route = router.route(facts.callerWords(), facts.angerPeak());
        ScreenPop pop = build(facts, route);
        planned.put(facts.callSid(), pop);
        return new Plan(route.queue(), route.topic(), route.confidence(), route.reason(), route.likeliest(),
                taskRouter ? taskAttributes(pop) : "");
    }

    @Override
    public Guess guess(String callerWords, double angerPeak) {
        Router.Topic t = router.classify(callerWords);
        return new Guess(t.name(), t.second(), t.confidence(), !t.sure() && !router.angerDecides(angerPeak));
    }

    @Override
    public void routed(Facts facts, Plan plan, long atMs) {
        ScreenPop pop = Optional.ofNullable(planned.remove(facts.callSid())).orElseGet(() -> build(facts,
                new Router.Route(plan.queue(), plan.topic(), plan.confidence(), plan.reason(), plan.likeliest())));
        transcripts.record(facts.callSid(), new CallEvent.Route(atMs, plan.queue(), plan.topic(), plan.confidence(),
                plan.reason()));
        transcripts.record(facts.callSid(), new CallEvent.ScreenPop(atMs, pop.topic(), pop.issue(), pop.angerNow(),
                pop.angerPeak(), pop.angerTrend(), pop.ventingSeconds(), pop.alreadySaid(), pop.suggestedOpening(),
                pop.suggestedResolutions(), pop.transcript().stream().map(t -> t.speaker() + ": " + t.text()).toList()));
        calls.saveCallPart(facts.callSid(), "screenpop", Json.write(pop));
        calls.updateCall(facts.callSid(), Map.of("queue", plan.queue(), "topic", plan.topic(),
                "topicConfidence", Double.toString(plan.confidence()), "routed", pop.routedAt()));
        calls.listCall(WAITING, System.currentTimeMillis(), facts.callSid());
        metrics.counter("calmline.routed", "queue", plan.queue(), "topic", plan.topic()).increment();
    }

    @Override
    public void ended(String callSid) {
        planned.remove(callSid);
        calls.unlistCall(WAITING, callSid);
    }

    @Override
    public void putThrough(String callSid, String why) {
        calls.updateCall(callSid, Map.of("putThrough", why, "routed", Instant.now().toString()));
        calls.listCall(WAITING, System.currentTimeMillis(), callSid);
    }

    /**
     * The caller with their history and the transcript as they stand now (the transcript grows while the
     * caller waits). Read here, on a page's thread, never on the call's audio thread.
     */
    Optional<Waiting> current(String callSid) {
        return waiting(callSid).map(w -> new Waiting(w.pop().withCaller(caller(callSid))
                .withTranscript(transcript(w.of())), w.because(), w.of()));
    }

    /**
     * The caller as the list shows them, if they have waited for a person: the stored screen-pop; for a customer
     * who answered a callback ({@code callbackOf}), the screen-pop of the call it follows, read through that
     * call's sid (never copied), so it goes when that call expires or is erased; or, for a caller put straight
     * through, what is known.
     */
    Optional<Waiting> waiting(String callSid) {
        Optional<String> own = calls.callPart(callSid, "screenpop");
        if (own.isPresent()) {
            return Optional.of(new Waiting(Json.stored(own.get(), ScreenPop.class), "", callSid));
        }
        Map<String, String> call = calls.call(callSid);
        String of = call.getOrDefault("callbackOf", "");
        Optional<String> followed = of.isEmpty() ? Optional.empty() : calls.callPart(of, "screenpop");
        if (followed.isPresent()) {
            return Optional.of(new Waiting(Json.stored(followed.get(), ScreenPop.class).forCallback(callSid, call.getOrDefault("queue", ""),
                    "callback about the call " + of, call.getOrDefault("started", "")), "", of));
        }
        String why = call.getOrDefault("putThrough", "");
        return why.isEmpty() ? Optional.empty() : Optional.of(new Waiting(putThrough(callSid, call),
                PUT_THROUGH.getOrDefault(why, why), callSid));
    }

    /**
     * What is known of a caller put straight through: their number, when, the queue, and whatever the line heard
     * before (a restart: the problem and anger so far); the opening invites them to say what they need.
     */
    private ScreenPop putThrough(String callSid, Map<String, String> call) {
        boolean heard = call.containsKey("angerPeak");
        double now = number(call.get("angerLast"));
        double peak = number(call.get("angerPeak"));
        return new ScreenPop(callSid, new ScreenPop.Caller(call.getOrDefault("from", ""), 0, "", ""), "", 0,
                call.getOrDefault("queue", ""), "put straight through", call.getOrDefault("issue", ""),
                call.getOrDefault("problem", ""), "",
                call.getOrDefault("request", ""), List.of(), now, heard ? anger.level(now).label() : UNHEARD, peak,
                heard ? anger.level(peak).label() : UNHEARD, "", 0, List.of(), suggestions.unheard(),
                suggestions.resolutions(""), call.getOrDefault("routed", ""), List.of());
    }

    private static double number(String value) {
        try {
            return value == null ? 0 : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    List<ScreenPop.Turn> transcript(String callSid) {
        List<ScreenPop.Turn> turns = new ArrayList<>();
        for (String line : calls.utterances(callSid)) {
            JsonNode u = Json.stored(line);
            String track = u.path("track").asText();
            String speaker = track.equals("line") ? "line" : track.equals("inbound") ? "caller" : "agent";
            turns.add(new ScreenPop.Turn(speaker, u.path("startMs").asLong(), u.path("text").asText(),
                    u.hasNonNull("anger") ? u.path("anger").asDouble() : null));
        }
        return turns;
    }

    private ScreenPop build(Facts facts, Router.Route route) {
        boolean heard = facts.alreadySaid().size() > 1;
        // An issue that is only the topic ("your monthly bill") is no clause: "I can see that your monthly bill".
        String problemSaid = facts.problem().isEmpty() ? "" : facts.issue();
        List<ScreenPop.Turn> transcript = facts.transcript().stream()
                .map(l -> new ScreenPop.Turn(l.speaker(), l.startMs(), l.text(), l.caller() ? l.anger() : null))
                .toList();
        return new ScreenPop(facts.callSid(), UNKNOWN_CALLER, route.topic(), route.confidence(), route.queue(),
                route.reason(), facts.issue(), facts.problem(), facts.feeling(), facts.request(), keyLines(facts.transcript()),
                facts.angerNow(), anger.level(facts.angerNow()).label(), facts.angerPeak(),
                anger.level(facts.angerPeak()).label(), facts.angerTrend(), facts.ventingSeconds(), facts.alreadySaid(),
                suggestions.opening(route.topic(), problemSaid, heard && anger.level(facts.angerPeak())
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
        String from = calls.call(callSid).getOrDefault("from", "");
        if (from.isEmpty()) {
            return UNKNOWN_CALLER;
        }
        List<String> earlier = calls.callsFrom(from, EARLIER_CALLS).stream().filter(s -> !s.equals(callSid)).toList();
        if (earlier.isEmpty()) {
            return new ScreenPop.Caller(from, 0, "", "");
        }
        Map<String, String> last = calls.call(earlier.get(0));
        return new ScreenPop.Caller(from, earlier.size(), last.getOrDefault("started", ""),
                last.getOrDefault("topic", ""));
    }

    /** TaskRouter attributes: the screen-pop without the transcript, which the agent page shows live. */
    private static String taskAttributes(ScreenPop pop) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("type", "inbound");
        attributes.put("call_sid", pop.callSid());
        attributes.put("screenpop", pop.withTranscript(List.of()));
        return Json.write(attributes);
    }
}
