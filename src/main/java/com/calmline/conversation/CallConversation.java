package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's conversation: the caller's audio drives {@link TurnTaking} (when the line may speak), a real
 * pause hands the turn to {@link Rules} (what to do), and {@link Delivery} gets it to Twilio. Made when
 * the call's stream starts; from then on runs on the call's transcriber thread, so it needs no locks.
 */
final class CallConversation implements Transcriber.Listener {
    private static final Logger log = LoggerFactory.getLogger(CallConversation.class);
    private static final long MS_PER_WORD = 400;
    private static final long PROMPT_START_MS = 700;

    enum State { GREETING, LISTENING, VENTING, ACKNOWLEDGING, ASKING, ROUTING, CLOSING, ENDED }

    private final String callSid;
    private final VentingPolicy.Settings settings;
    private final String greeting;
    private final TurnReader reader;
    private final AngerMeter.Caller caller;
    /** The agent's anger, heard apart from the caller's: the supervisors see both, and it never steers the line. */
    private final AngerMeter.Caller agent;
    private final Rules rules;
    private final TurnTaking turns;
    private final Delivery delivery;
    private final CallRecord record;
    private final Handover handover;
    private final Callbacks callbacks;
    private final String callerNumber;
    private boolean callbackPromised;

    private State state = State.GREETING;
    private final List<Transcriber.Utterance> turn = new ArrayList<>();
    private AngerMeter.Score turnScore;
    private Optional<Move> playing = Optional.empty();
    private int talkOvers;
    private int bargeIns;
    private final List<Handover.Line> conversation = new ArrayList<>();
    private final List<String> alreadySaid = new ArrayList<>();
    private boolean routed;
    /** What the turn being answered asked for, recorded with the decision that answers it. */
    private String heardRequest = "";
    /** What the line is waiting for the caller to answer, since when: a silence past it must not go unanswered. */
    private Optional<Rules.Quiet> awaiting = Optional.empty();
    private long awaitingSinceMs;
    private boolean callerHeard;

    CallConversation(String callSid, VentingPolicy.Settings settings, PromptBook prompts, TurnReader reader,
                     AngerMeter.Caller caller, AngerMeter.Caller agent, Delivery delivery, CallRecord record,
                     Handover handover, Callbacks callbacks, String callerNumber) {
        this.callSid = callSid;
        this.settings = settings;
        this.greeting = prompts.greeting;
        this.reader = reader;
        this.caller = caller;
        this.agent = agent;
        this.rules = new Rules(settings, prompts);
        this.turns = new TurnTaking(settings.pauseMs(), settings.angryPauseMs());
        this.delivery = delivery;
        this.record = record;
        this.handover = handover;
        this.callbacks = callbacks;
        this.callerNumber = callerNumber;
        greet();
    }

    @Override
    public void onUtterance(Transcriber.Utterance u) {
        if (u.track().equals(Transcriber.AGENT)) {
            AngerMeter.Score score = agent.hear(u);
            record.utterance(u, score.value(), score.level().label());
            return;
        }
        if (!u.track().equals(Transcriber.CALLER)) {
            return;
        }
        AngerMeter.Score score = caller.hear(u);
        record.utterance(u, score.value(), score.level().label());
        conversation.add(new Handover.Line("caller", u.startMs(), u.text(), Transcripts.round(score.value())));
        turn.add(u);
        turnScore = caller.turn();
        if (state == State.LISTENING && turnScore.value() >= settings.ventingAnger()) {
            state = State.VENTING;
        }
        record.update(Map.of("state", state.name(), "angerLast", format(score.value()),
                "angerPeak", format(caller.peak())));
    }

    @Override
    public void onActivity(Transcriber.Activity a) {
        if (state == State.ENDED) {
            return;
        }
        if (!a.track().equals(Transcriber.CALLER)) {
            turns.line(a);
            return;
        }
        TurnTaking.Cue cue = turns.caller(a, angry(),
                !turn.isEmpty() || delivery.failed().isPresent() || rules.holdsRoute());
        measured();
        if (!turns.lineTalking(a.atMs())) {
            if (state == State.ROUTING || state == State.CLOSING) {
                return;
            }
            if (state == State.GREETING || state == State.ACKNOWLEDGING || state == State.ASKING) {
                state = rules.venting() ? State.VENTING : State.LISTENING;
                playing = Optional.empty();
            }
        }
        callerHeard |= a.speaking();
        switch (cue) {
            case CUT_IN -> yieldTo(a);
            case HOLD_BACK -> decision(a, "wait", "caller is angry: allowing a longer pause ("
                    + settings.angryPauseMs() + " ms) before speaking", "", "", Optional.empty());
            case TURN_END -> endOfTurn(a);
            default -> quiet(a);
        }
    }

    /**
     * The caller has stayed quiet where the line was waiting for them (after its greeting, a question, an
     * acknowledgement, or a turn it chose to wait on) for longer than a thinking pause: the line speaks rather
     * than leave them in dead air.
     */
    private void quiet(Transcriber.Activity a) {
        if (awaiting.isEmpty() || a.speaking() || !turn.isEmpty() || routed || state == State.ROUTING
                || state == State.CLOSING || turns.lineTalking(a.atMs()) || rules.holdsRoute()
                || delivery.failed().isPresent()) {
            return;
        }
        long quietFrom = callerHeard ? Math.max(awaitingSinceMs, a.atMs() - a.silentMs()) : awaitingSinceMs;
        Rules.Quiet after = awaiting.get();
        // Silent from the start means never heard: a caller whose first words the recogniser could not make out
        // has taken a turn, and waits for the line like anyone else.
        long patience = after == Rules.Quiet.AFTER_GREETING && !callerHeard ? settings.silentStartMs()
                : settings.promptAfterMs();
        if (a.atMs() - quietFrom >= patience) {
            awaiting = Optional.empty();
            deliver(a, rules.quiet(after, a.atMs() - quietFrom));
        }
    }

    /** A key on the listening Gather: 0 asks for a person, at once, unless the caller is talking right now. */
    @Override
    public void onKey(String digits, long atMs) {
        if (!digits.equals("0") || state == State.ENDED || routed) {
            return;
        }
        Move move = rules.pressedZero();
        if (turns.callerSpeaking()) {
            rules.interrupted(move);
            return;
        }
        deliver(new Transcriber.Activity(Transcriber.CALLER, atMs, false, 0), move);
    }

    @Override
    public void onEnd(long atMs) {
        state = State.ENDED;
        CallEvent.Summary summary = summarise(atMs);
        record.update(Map.of("state", state.name(), "angerPeak", format(caller.peak()),
                "talkOvers", Integer.toString(talkOvers), "bargeIns", Integer.toString(bargeIns),
                "issue", summary.issue(), "request", summary.request()));
        if (routed) {
            handover.ended(callSid);
        }
        if (!callbackPromised) {
            callbacks.ended(callSid, callerNumber, rules.issue(), caller.peak());
        }
        record.end(atMs);
    }

    /**
     * The audio stopped being heard here but the caller is still on the phone (this instance is shutting
     * down): what was heard is summed up and kept, and what the call's real end needs is stored with it (the
     * issue, the anger peak, whether a callback was promised instead of a follow-up). The end itself (the
     * caller leaving the desk, the follow-up, the duration) is left to whoever learns that the call is over.
     */
    @Override
    public void onAudioStopped(long atMs) {
        CallEvent.Summary summary = summarise(atMs);
        record.update(Map.of("angerPeak", format(caller.peak()),
                "talkOvers", Integer.toString(talkOvers), "bargeIns", Integer.toString(bargeIns),
                "issue", summary.issue(), "problem", rules.problem(), "request", summary.request(),
                "callbackPromised", Boolean.toString(callbackPromised)));
    }

    /** The call as the line heard it, its last prompt measured too, recorded as the summary event. */
    private CallEvent.Summary summarise(long atMs) {
        turns.finish(atMs);
        measured();
        CallEvent.Summary summary = new CallEvent.Summary(atMs, Transcripts.round(caller.peak()),
                caller.smoothedLevel().label(), caller.trend().label(), Transcripts.round(caller.ventingSeconds()),
                talkOvers, bargeIns, rules.acknowledgements(), rules.questions(), rules.issue(), rules.feeling(),
                rules.request());
        record.event(summary);
        return summary;
    }

    /** The greeting was said by the answering TwiML; it is the line's first prompt, from the stream's start. */
    private void greet() {
        long until = speakingTimeMs(greeting);
        turns.lineStarts("greeting", 0, until);
        record.line(0, until, greeting);
        conversation.add(new Handover.Line("line", 0, greeting, 0));
        record.event(new CallEvent.Decision(0, "greet", state.name(), "call answered", 0, greeting,
                "", "webhook", "", 0, until, "", ""));
        awaiting = Optional.of(Rules.Quiet.AFTER_GREETING);
        awaitingSinceMs = until;
    }

    private boolean angry() {
        return rules.venting() || (turnScore != null && turnScore.level() == AngerMeter.Level.ANGRY)
                || caller.smoothedLevel() == AngerMeter.Level.ANGRY;
    }

    /** A real pause: the caller's turn is over, so the rules decide; or a failed update is tried again. */
    private void endOfTurn(Transcriber.Activity a) {
        if (turn.isEmpty() && !rules.holdsRoute()) {
            delivery.failed().ifPresent(failed -> deliver(a, new Move(failed.action(), failed.say(),
                    "trying again: Twilio did not take the update at the last pause; " + failed.reason(),
                    failed.saidBack())));
            return;
        }
        TurnReader.Reading reading = reader.read(List.copyOf(turn), rules.topic());
        AngerMeter.Score score = caller.endTurn();
        turn.clear();
        turnScore = null;
        playing = Optional.empty();
        heardRequest = String.join(",", reading.requests().stream().map(Request::label).toList());
        deliver(a, rules.decide(reading, new Rules.Anger(score.value(), score.level(), caller.smoothedLevel(),
                caller.trend(), caller.ventingSeconds()), handover.guess(callerWords(), caller.peak())));
        heardRequest = "";
    }

    private void deliver(Transcriber.Activity a, Move move) {
        if (move.action() == Move.Action.CALLBACK) {
            Optional<String> confirmed = callbacks.requested(callSid, callerNumber, rules.issue());
            if (confirmed.isEmpty()) {
                move = new Move(Move.Action.ROUTE, move.say(), move.reason()
                        + "; this number cannot be called back, so a person will arrange it");
            } else {
                callbackPromised = true;
                closing(a, new Move(Move.Action.CALLBACK, confirmed.get(), move.reason()));
                return;
            }
        }
        if (!move.speaks()) {
            state = rules.venting() ? State.VENTING : State.LISTENING;
            awaiting = Optional.of(Rules.Quiet.AFTER_TURN);
            awaitingSinceMs = a.atMs() - a.silentMs();
            decision(a, move.action().label(), move.reason(), "", "", Optional.empty());
            return;
        }
        Optional<Handover.Facts> facts = move.action() == Move.Action.ROUTE ? Optional.of(facts(move))
                : Optional.empty();
        Optional<Handover.Plan> plan = facts.map(handover::plan);
        Delivery.Sent sent = plan.isPresent() ? delivery.route(move, plan.get(), a.atMs())
                : delivery.deliver(move, a.atMs());
        if (sent.heard()) {
            rules.delivered(move);
            alreadySaid.add(move.say());
            playing = Optional.of(move);
            long until = sent.acceptedAtMs() + speakingTimeMs(move.say());
            turns.lineStarts(move.action().label(), sent.acceptedAtMs(), until);
            record.line(sent.acceptedAtMs(), until, move.say());
            if (!plan.isPresent()) {
                conversation.add(new Handover.Line("line", sent.acceptedAtMs(), move.say(), 0));
            }
            state = switch (move.action()) {
                case ROUTE -> State.ROUTING;
                case ASK, CLARIFY, OFFER -> State.ASKING;
                default -> State.ACKNOWLEDGING;
            };
            awaiting = switch (move.action()) {
                case ASK, CLARIFY -> Optional.of(Rules.Quiet.AFTER_QUESTION);
                case OFFER -> Optional.of(Rules.Quiet.AFTER_OFFER);
                case ACKNOWLEDGE -> Optional.of(Rules.Quiet.AFTER_ACKNOWLEDGEMENT);
                default -> Optional.empty();
            };
            awaitingSinceMs = until;
            if (plan.isPresent()) {
                routed = true;
                handover.routed(facts.get(), plan.get(), sent.acceptedAtMs());
            }
        } else {
            state = sent.callEnded() ? State.ENDED : rules.venting() ? State.VENTING : State.LISTENING;
        }
        decision(a, move.action().label(), move.reason(), move.say(), move.saidBack(), Optional.of(sent));
    }

    /** The line confirms the callback it scheduled and ends the call. */
    private void closing(Transcriber.Activity a, Move move) {
        Delivery.Sent sent = delivery.hangUp(move, a.atMs());
        if (sent.heard()) {
            long until = sent.acceptedAtMs() + speakingTimeMs(move.say());
            turns.lineStarts(move.action().label(), sent.acceptedAtMs(), until);
            record.line(sent.acceptedAtMs(), until, move.say());
            state = State.CLOSING;
        }
        decision(a, move.action().label(), move.reason(), move.say(), move.saidBack(), Optional.of(sent));
    }

    /** What the agent should know if {@code route} reaches the caller, its own words included. */
    private Handover.Facts facts(Move route) {
        List<String> said = new ArrayList<>(alreadySaid);
        said.add(route.say());
        String words = callerWords();
        List<Handover.Line> transcript = new ArrayList<>(conversation);
        transcript.add(new Handover.Line("line", delivery.receivedMs(), route.say(), 0));
        return new Handover.Facts(callSid, words, List.copyOf(transcript), rules.issue(), rules.problem(),
                rules.feeling(), rules.request(), Transcripts.round(caller.level()), Transcripts.round(caller.peak()),
                caller.trend().label(), Transcripts.round(caller.ventingSeconds()), List.copyOf(said), route.reason());
    }

    /** Everything the caller has said, as recognised. */
    private String callerWords() {
        return String.join(" ", conversation.stream().filter(Handover.Line::caller).map(Handover.Line::text).toList());
    }

    /** The caller started talking while the line was: the line stops and listens; a route waits for a pause. */
    private void yieldTo(Transcriber.Activity a) {
        Delivery.Sent sent = delivery.stop();
        if (sent.heard()) {
            turns.lineStops(sent.acceptedAtMs());
        }
        playing.ifPresent(rules::interrupted);
        playing = Optional.empty();
        state = sent.callEnded() ? State.ENDED : rules.venting() ? State.VENTING : State.LISTENING;
        decision(a, "stop", "caller started speaking while the line was talking; stopped to listen", "", "",
                Optional.of(sent));
    }

    /** Overlaps of the line's prompts with the caller's voice, as each prompt ends. */
    private void measured() {
        for (CallEvent.Overlap overlap : turns.takeOverlaps()) {
            if (overlap.kind().equals("talk-over")) {
                talkOvers++;
                delivery.talkOver();
                log.error("call {}: the line talked over the caller during its {} ({} ms of overlap)", callSid,
                        overlap.prompt(), overlap.overlapMs());
            } else {
                bargeIns++;
            }
            record.event(overlap);
        }
    }

    private void decision(Transcriber.Activity a, String action, String reason, String say, String saidBack,
                          Optional<Delivery.Sent> sent) {
        String label = sent.map(s -> s.outcome().delivery().label()).orElse("none");
        record.event(new CallEvent.Decision(a.atMs(), action, state.name(), reason, a.silentMs(), say,
                sent.map(s -> s.outcome().twiml()).orElse(""), label,
                sent.map(s -> s.outcome().detail()).orElse(""), Transcripts.round(caller.level()),
                turns.lineUntilMs(), heardRequest, saidBack));
        record.update(Map.of("state", state.name()));
        delivery.counted(action, label);
        log.info("call {}: {} at {} ms ({}): {}", callSid, action, a.atMs(), state, reason);
    }

    static long speakingTimeMs(String text) {
        return PROMPT_START_MS + MS_PER_WORD * text.split("\\s+").length;
    }

    private static String format(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
