package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the line does when a caller's turn ends, or when they stay quiet where it waits for them: hear an
 * angry caller out and acknowledge them, answer a request as a request, ask one open question of a caller who
 * has named only the topic, route once the caller accepts, is calming, asks for a person, or has been heard
 * long enough, and never leave them in dead air. Knows nothing of timing or Twilio: it is told what was said
 * and how angry it sounded, and what the caller actually heard.
 */
final class Rules {
    private static final int MAX_UNCLEAR_TURNS = 3;

    /** How angry the caller sounds: this turn, the call's smoothed level and trend, time spent venting. */
    record Anger(double turn, AngerMeter.Level turnLevel, AngerMeter.Level smoothed, AngerMeter.Trend trend,
                 double ventingSeconds) {
        String describe() {
            return String.format(Locale.ROOT, "anger %.2f (%s), smoothed %s, trend %s", turn, turnLevel.label(),
                    smoothed.label(), trend.label());
        }
    }

    /** Where the line was waiting for the caller when they stayed quiet. */
    enum Quiet {
        /** After the greeting, before they have said anything. */
        AFTER_GREETING,
        /** After a turn the line chose to wait on, hoping for more. */
        AFTER_TURN,
        /** After the line asked them something. */
        AFTER_QUESTION,
        /** After the line offered a person or a call back. */
        AFTER_OFFER,
        /** After the line apologised and repeated their problem. */
        AFTER_ACKNOWLEDGEMENT;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    private final VentingPolicy.Settings settings;
    private final PromptBook prompts;
    private boolean venting;
    private int rounds;
    private int questions;
    private int offers;
    private int unclearTurns;
    private Optional<Move> heldRoute = Optional.empty();
    private Optional<String> issue = Optional.empty();
    private Optional<String> problem = Optional.empty();
    private int issueWeight;
    private Optional<String> topic = Optional.empty();
    private Optional<Request> request = Optional.empty();
    /** The caller heard the closed question of which topic: it is never asked twice. */
    private boolean topicAsked;
    private final Set<String> feelings = new LinkedHashSet<>();

    Rules(VentingPolicy.Settings settings, PromptBook prompts) {
        this.settings = settings;
        this.prompts = prompts;
    }

    /**
     * {@code guess}: the topic everything the caller said so far points to, and whether it is too unsure to route
     * on; a calm caller about to be routed on it is asked once which of the two likeliest topics it is.
     */
    Move decide(TurnReader.Reading turn, Anger anger, Handover.Guess guess) {
        remember(turn);
        venting = anger.turn() >= (venting ? settings.calmAnger() : settings.ventingAnger());
        String mood = anger.describe();
        if (heldRoute.isPresent()) {
            Move held = heldRoute.get();
            return new Move(Move.Action.ROUTE, held.say(), "routing as decided before the caller cut in: "
                    + held.reason(), held.saidBack());
        }
        Optional<Request> person = turn.requests().stream().filter(r -> r.kind() == Request.Kind.PERSON).findFirst();
        if (person.isPresent()) {
            return route(prompts.person(understood()), "caller asked for a person; " + mood);
        }
        Optional<Request> callback = turn.requests().stream().filter(r -> r.kind() == Request.Kind.CALLBACK)
                .findFirst();
        if (callback.isPresent()) {
            return new Move(Move.Action.CALLBACK, prompts.request(callback.get()).text(),
                    "caller asked to be called back; " + mood);
        }
        if (rounds > 0 && turn.accepted().isPresent()) {
            return route(prompts.route(understood()), "caller accepted after " + rounds + " acknowledgement(s): \""
                    + turn.accepted().get() + "\"; " + mood);
        }
        if (venting) {
            return handOverOr(anger, mood).orElseGet(() -> acknowledge(turn, "caller is venting; " + mood));
        }
        if (rounds > 0) {
            Optional<String> calming = calming(turn, anger);
            if (calming.isPresent()) {
                return route(prompts.route(understood()), "caller is calming after " + rounds
                        + " acknowledgement(s): " + calming.get() + "; " + mood);
            }
            return handOverOr(anger, mood).orElseGet(() -> acknowledge(turn,
                    "caller is still upset, with no sign of calming yet; " + mood));
        }
        if (turn.request().isPresent()) {
            return route(prompts.request(turn.request().get()), "calm request: " + turn.request().get().label()
                    + "; " + mood);
        }
        if (topicAsked) {
            return route(prompts.confirm(understood()), String.format(Locale.ROOT, "caller answered which topic; "
                    + "routing on everything said (%s %.2f); %s", guess.first(), guess.confidence(), mood));
        }
        if (turn.complaint()) {
            return onTopic(prompts.confirm(understood()), "calm caller with a clear issue; " + mood, guess);
        }
        if (turn.topicOnly()) {
            if (questions == 0) {
                PromptBook.Said ask = prompts.ask(turn.topic());
                return new Move(Move.Action.ASK, ask.text(), "calm caller named only the topic; asking what is happening",
                        ask.saidBack());
            }
            return onTopic(prompts.route(understood()), "named only the topic again; a person will ask", guess);
        }
        if (++unclearTurns >= MAX_UNCLEAR_TURNS) {
            return onTopic(prompts.route(understood()), unclearTurns
                    + " calm turns without a clear issue; a person will ask", guess);
        }
        return Move.waiting("calm, issue not clear yet; listening for more");
    }

    /**
     * The caller stayed quiet after {@code after} for {@code quietMs}: the line speaks rather than leave dead
     * air. A first silence gets one short open question from whatever was understood, a second the offer of a
     * person or a call back, a third (or a silence after an apology) puts them through with what is known.
     */
    Move quiet(Quiet after, long quietMs) {
        String why = String.format(Locale.ROOT, "caller quiet for %.1f s %s", quietMs / 1000.0, after.label());
        boolean asked = questions > 0 || after == Quiet.AFTER_QUESTION;
        if (after == Quiet.AFTER_ACKNOWLEDGEMENT || after == Quiet.AFTER_OFFER || offers > 0) {
            return route(prompts.route(understood()), why + "; putting them through with what is known");
        }
        if (asked) {
            return new Move(Move.Action.OFFER, prompts.offer().text(), why + "; offering a person or a call back");
        }
        if (after == Quiet.AFTER_GREETING) {
            return new Move(Move.Action.ASK, prompts.quietStart().text(), why + "; a gentle prompt");
        }
        if (topic.isPresent()) {
            PromptBook.Said ask = prompts.ask(topic);
            return new Move(Move.Action.ASK, ask.text(), why + "; asking about what they named", ask.saidBack());
        }
        return new Move(Move.Action.ASK, prompts.unclear().text(), why + "; asking what is happening");
    }

    /** The caller pressed 0 on the keypad: they want a person, now. */
    Move pressedZero() {
        request = Optional.of(new Request(Request.Kind.PERSON, ""));
        return route(prompts.person(understood()), "caller pressed 0 to speak to a person");
    }

    /** The caller heard {@code move} (or its beginning). */
    void delivered(Move move) {
        switch (move.action()) {
            case ACKNOWLEDGE -> rounds++;
            case ASK -> questions++;
            case CLARIFY -> {
                questions++;
                topicAsked = true;
            }
            case OFFER -> offers++;
            case ROUTE -> heldRoute = Optional.empty();
            default -> { }
        }
    }

    /** The caller cut into {@code move}: a route waits for their next real pause; anything else is dropped. */
    void interrupted(Move move) {
        if (move.action() == Move.Action.ROUTE) {
            heldRoute = Optional.of(move);
        }
    }

    /** A route the caller cut into, to be made at their next real pause. */
    boolean holdsRoute() {
        return heldRoute.isPresent();
    }

    boolean venting() {
        return venting;
    }

    int acknowledgements() {
        return rounds;
    }

    int questions() {
        return questions;
    }

    /**
     * The complaint, the best said of the call so far, in the line's words; or, if none could be said whole, what
     * it is about ("your router"); empty if neither was heard.
     */
    String issue() {
        return issue.or(() -> topic).orElse("");
    }

    /** The complaint {@link #issue} says back, as the caller said it; empty if none could be said whole. */
    String problem() {
        return problem.orElse("");
    }

    String feeling() {
        return String.join("; ", feelings);
    }

    String request() {
        return request.map(Request::label).orElse("");
    }

    Optional<String> topic() {
        return topic;
    }

    private PromptBook.Understood understood() {
        return new PromptBook.Understood(issue, topic);
    }

    private void remember(TurnReader.Reading turn) {
        if (turn.issue().isPresent() && turn.issueWeight() > issueWeight) {
            issue = turn.issue();
            problem = turn.problem();
            issueWeight = turn.issueWeight();
        }
        turn.feeling().ifPresent(feelings::add);
        request = turn.request().or(() -> request);
        topic = topic.or(turn::topic);
    }

    private Move acknowledge(TurnReader.Reading turn, String reason) {
        int round = rounds + 1;
        PromptBook.Said said = prompts.acknowledge(round, new PromptBook.Understood(turn.issue().or(() -> issue),
                turn.topic().or(() -> topic)), turn.feeling().isPresent());
        return new Move(Move.Action.ACKNOWLEDGE, said.text(), reason + " (round " + round + ")", said.saidBack());
    }

    private Optional<Move> handOverOr(Anger anger, String mood) {
        if (rounds >= settings.maxRounds()) {
            return Optional.of(route(prompts.route(understood()), "acknowledged " + rounds + " times; handing over; "
                    + mood));
        }
        if (anger.ventingSeconds() >= settings.maxVentingSeconds()) {
            return Optional.of(route(prompts.route(understood()), String.format(Locale.ROOT,
                    "vented %.0f s; handing over; %s", anger.ventingSeconds(), mood)));
        }
        return Optional.empty();
    }

    /**
     * Evidence that an acknowledged caller is settling: more than a turn that happens to lack anger words. Anger
     * has fallen only when the call's smoothed level is calm and so is this turn's own: the smoothed level lags
     * when the caller's tone turns (a line of contempt after calm ones), the turn's does not.
     */
    private static Optional<String> calming(TurnReader.Reading turn, Anger anger) {
        if (turn.wantsHelp()) {
            return Optional.of("asks to be helped");
        }
        if (turn.request().isPresent()) {
            return Optional.of("asks to " + turn.request().get().label());
        }
        if (anger.smoothed() == AngerMeter.Level.CALM && anger.trend() != AngerMeter.Trend.ESCALATING
                && anger.turnLevel() == AngerMeter.Level.CALM) {
            return Optional.of("anger has fallen");
        }
        return Optional.empty();
    }

    /**
     * A calm caller routed on what they are calling about: when the topic is too unsure to route on (and the
     * caller not headed to de-escalation), first one short closed question naming the two likeliest topics.
     */
    private Move onTopic(PromptBook.Said said, String reason, Handover.Guess guess) {
        if (guess.ask() && !topicAsked) {
            PromptBook.Said which = prompts.which(guess.first(), guess.second());
            return new Move(Move.Action.CLARIFY, which.text(), String.format(Locale.ROOT, "calm caller, topic unsure "
                    + "(%s %.2f, then %s); asking which", guess.first(), guess.confidence(), guess.second()));
        }
        return route(said, reason);
    }

    private static Move route(PromptBook.Said said, String reason) {
        return new Move(Move.Action.ROUTE, said.text(), reason, said.saidBack());
    }
}
