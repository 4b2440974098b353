package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import com.calmline.telephony.CallControl;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's conversation, driven by the caller's audio clock: voice activity every 20 ms, utterances as
 * they are recognised. It speaks only after a real pause and stops talking the moment the caller does.
 * Runs on the call's transcriber thread, so it needs no locks.
 */
final class CallConversation implements Transcriber.Listener {
    private static final Logger log = LoggerFactory.getLogger(CallConversation.class);
    private static final String CALLER = "inbound";
    private static final long MS_PER_WORD = 400;
    private static final long PROMPT_START_MS = 700;
    private static final int MAX_UNCLEAR_TURNS = 3;
    private static final Pattern ASKS_FOR_PERSON = Pattern.compile(
            "\\b(agent|human|representative|operator|real person|actual person|live person|a person|someone real)\\b");

    enum State { GREETING, LISTENING, VENTING, ACKNOWLEDGING, ROUTING, ENDED }

    private final String callSid;
    private final VentingPolicy.Settings settings;
    private final PromptBook prompts;
    private final IssueExtractor issues;
    private final AngerMeter.Caller caller;
    private final CallControl control;
    private final Transcripts transcripts;
    private final MeterRegistry metrics;

    private State state = State.GREETING;
    private long lineUntilMs;
    private boolean speaking;
    private boolean heldBack;
    private int rounds;
    private int talkOvers;
    private int unclearTurns;
    private AngerMeter.Score turnScore;
    private final StringBuilder turnText = new StringBuilder();
    private final StringBuilder callerText = new StringBuilder();
    private String issue = "";
    private String repeatedIssue = "";

    CallConversation(String callSid, VentingPolicy.Settings settings, PromptBook prompts, IssueExtractor issues,
                     AngerMeter.Caller caller, CallControl control, Transcripts transcripts, MeterRegistry metrics) {
        this.callSid = callSid;
        this.settings = settings;
        this.prompts = prompts;
        this.issues = issues;
        this.caller = caller;
        this.control = control;
        this.transcripts = transcripts;
        this.metrics = metrics;
        this.lineUntilMs = speakingTimeMs(prompts.greeting);
    }

    @Override
    public void onUtterance(Transcriber.Utterance u) {
        if (!u.track().equals(CALLER)) {
            transcripts.utterance(u, 0, AngerMeter.Level.CALM.label());
            return;
        }
        AngerMeter.Score score = caller.hear(u);
        transcripts.utterance(u, score.value(), score.level().label());
        turnText.append(turnText.length() == 0 ? "" : " ").append(u.text());
        callerText.append(callerText.length() == 0 ? "" : " ").append(u.text());
        turnScore = caller.turn();
        if (state == State.LISTENING && turnScore.level() != AngerMeter.Level.CALM) {
            state = State.VENTING;
        }
        transcripts.updateCall(callSid, Map.of("state", state.name(), "angerLast", format(score.value()),
                "angerPeak", format(caller.peak())));
    }

    @Override
    public void onActivity(Transcriber.Activity a) {
        if (!a.track().equals(CALLER) || state == State.ROUTING || state == State.ENDED) {
            return;
        }
        boolean onset = a.speaking() && !speaking;
        speaking = a.speaking();
        boolean lineTalking = (state == State.GREETING || state == State.ACKNOWLEDGING) && a.atMs() < lineUntilMs;
        if (onset) {
            heldBack = false;
            if (lineTalking) {
                stopTalking(a);
            }
        } else if (!lineTalking && (state == State.GREETING || state == State.ACKNOWLEDGING)) {
            state = State.LISTENING;
        }
        if (speaking || turnText.length() == 0) {
            return;
        }
        long pause = angry() ? settings.angryPauseMs() : settings.pauseMs();
        if (a.silentMs() >= pause) {
            decide(a);
        } else if (a.silentMs() >= settings.pauseMs() && !heldBack) {
            heldBack = true;
            decision(a, "wait", "caller is angry: allowing a longer pause (" + pause + " ms) before speaking",
                    "", Optional.empty());
        }
    }

    @Override
    public void onEnd(long atMs) {
        state = State.ENDED;
        ObjectNode summary = Transcripts.newEvent("summary", atMs)
                .put("angerPeak", round(caller.peak()))
                .put("angerLevel", caller.smoothedLevel().label())
                .put("angerTrend", caller.trend().label())
                .put("ventingSeconds", round(caller.ventingSeconds()))
                .put("talkOvers", talkOvers)
                .put("acknowledgements", rounds)
                .put("issue", repeatedIssue.isEmpty() ? issue : repeatedIssue);
        transcripts.event(callSid, summary);
        transcripts.updateCall(callSid, Map.of("state", state.name(), "angerPeak", format(caller.peak()),
                "talkOvers", Integer.toString(talkOvers), "issue", summary.path("issue").asText()));
        transcripts.end(callSid, atMs);
    }

    private boolean angry() {
        return (turnScore != null && turnScore.level() == AngerMeter.Level.ANGRY)
                || caller.smoothedLevel() == AngerMeter.Level.ANGRY;
    }

    /** The caller's turn is over (a real pause): acknowledge, route, or keep listening. */
    private void decide(Transcriber.Activity a) {
        String said = turnText.toString();
        turnText.setLength(0);
        AngerMeter.Score turn = caller.endTurn();
        turnScore = null;
        Optional<String> found = issues.extract(said);
        issues.extract(callerText.toString()).ifPresent(i -> issue = i);
        AngerMeter.Trend trend = caller.trend();
        String mood = String.format(Locale.ROOT, "anger %.2f (%s), trend %s", turn.value(), turn.level().label(),
                trend.label());
        if (ASKS_FOR_PERSON.matcher(said.toLowerCase(Locale.ROOT)).find()) {
            route(a, prompts.person(issue), "caller asked for a person; " + mood);
        } else if (rounds == 0 && turn.level() == AngerMeter.Level.CALM) {
            if (found.isPresent()) {
                route(a, prompts.confirm(issue), "calm caller with a clear issue; " + mood);
            } else if (++unclearTurns >= MAX_UNCLEAR_TURNS) {
                route(a, prompts.route(issue), unclearTurns + " calm turns without a clear issue; a person will ask");
            } else {
                state = State.LISTENING;
                decision(a, "wait", "calm, issue not clear yet; listening for more", "", Optional.empty());
            }
        } else if (rounds > 0 && turn.level() != AngerMeter.Level.ANGRY
                && (trend == AngerMeter.Trend.CALMING || turn.level() == AngerMeter.Level.CALM)) {
            route(a, prompts.route(issue), "caller is calming after " + rounds + " acknowledgement(s); " + mood);
        } else if (rounds >= settings.maxRounds()) {
            route(a, prompts.route(issue), "acknowledged " + rounds + " times; handing over; " + mood);
        } else if (caller.ventingSeconds() >= settings.maxVentingSeconds()) {
            route(a, prompts.route(issue), String.format(Locale.ROOT, "vented %.0f s; handing over; %s",
                    caller.ventingSeconds(), mood));
        } else {
            acknowledge(a, mood);
        }
    }

    private void acknowledge(Transcriber.Activity a, String mood) {
        int round = rounds + 1;
        String text = prompts.acknowledge(round, issue);
        CallControl.Outcome outcome = speak(() -> control.say(callSid, text));
        if (outcome.heard()) {
            rounds = round;
            repeatedIssue = repeatedIssue.isEmpty() ? issue : repeatedIssue;
            state = State.ACKNOWLEDGING;
            lineUntilMs = a.atMs() + speakingTimeMs(text);
            transcripts.line(callSid, a.atMs(), text);
        } else {
            afterFailure(outcome);
        }
        decision(a, "acknowledge", "caller vented; acknowledging (round " + round + "); " + mood,
                text, Optional.of(outcome));
    }

    private void route(Transcriber.Activity a, String text, String reason) {
        CallControl.Outcome outcome = speak(() -> control.route(callSid, text, settings.queue()));
        if (outcome.heard()) {
            state = State.ROUTING;
            repeatedIssue = repeatedIssue.isEmpty() ? issue : repeatedIssue;
            transcripts.line(callSid, a.atMs(), text);
            transcripts.updateCall(callSid, Map.of("queue", settings.queue()));
        } else {
            afterFailure(outcome);
        }
        decision(a, "route", reason, text, Optional.of(outcome));
    }

    /** The caller started talking while the line was: the line stops and listens. */
    private void stopTalking(Transcriber.Activity a) {
        CallControl.Outcome outcome = control.listen(callSid);
        lineUntilMs = a.atMs();
        if (outcome.delivery() == CallControl.Delivery.CALL_ENDED) {
            state = State.ENDED;
        } else {
            state = State.LISTENING;
        }
        decision(a, "wait", "caller started speaking while the line was talking; stopped to listen", "",
                Optional.of(outcome));
    }

    private CallControl.Outcome speak(java.util.function.Supplier<CallControl.Outcome> prompt) {
        if (speaking) {
            talkOvers++;
            metrics.counter("calmline.talkovers").increment();
            log.error("call {}: a prompt started while the caller was speaking (talk-over #{})", callSid, talkOvers);
        }
        return prompt.get();
    }

    /** Twilio did not take the update: the caller heard nothing, so the state stays what the caller knows. */
    private void afterFailure(CallControl.Outcome outcome) {
        if (outcome.delivery() == CallControl.Delivery.CALL_ENDED) {
            state = State.ENDED;
        } else if (state != State.VENTING) {
            state = State.LISTENING;
        }
    }

    private void decision(Transcriber.Activity a, String action, String reason, String say,
                          Optional<CallControl.Outcome> outcome) {
        String delivery = outcome.map(o -> o.delivery().label()).orElse("none");
        ObjectNode event = Transcripts.newEvent("decision", a.atMs())
                .put("action", action).put("state", state.name()).put("reason", reason)
                .put("silenceMs", a.silentMs()).put("say", say)
                .put("twiml", outcome.map(CallControl.Outcome::twiml).orElse(""))
                .put("anger", round(caller.level()))
                .put("delivery", delivery);
        outcome.filter(o -> !o.detail().isEmpty()).ifPresent(o -> event.put("detail", o.detail()));
        transcripts.event(callSid, event);
        transcripts.updateCall(callSid, Map.of("state", state.name()));
        metrics.counter("calmline.decisions", "action", action, "delivery", delivery).increment();
        log.info("call {}: {} at {} ms ({}): {}", callSid, action, a.atMs(), state, reason);
    }

    private static long speakingTimeMs(String text) {
        return PROMPT_START_MS + MS_PER_WORD * text.split("\\s+").length;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
