package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the line does when a caller's turn ends: hear an angry caller out and acknowledge them, answer a
 * request as a request, ask one open question of a caller who has named only the topic, and route once
 * the caller is calming, asks for a person, or has been heard long enough. Knows nothing of timing or
 * Twilio: it is told what was said and how angry it sounded, and what the caller actually heard.
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

    private final VentingPolicy.Settings settings;
    private final PromptBook prompts;
    private boolean venting;
    private int rounds;
    private int questions;
    private int unclearTurns;
    private Optional<Move> heldRoute = Optional.empty();
    private Optional<String> issue = Optional.empty();
    private int issueWeight;
    private Optional<String> topic = Optional.empty();
    private Optional<Request> request = Optional.empty();
    private final Set<String> feelings = new LinkedHashSet<>();

    Rules(VentingPolicy.Settings settings, PromptBook prompts) {
        this.settings = settings;
        this.prompts = prompts;
    }

    Move decide(TurnReader.Reading turn, Anger anger) {
        remember(turn);
        venting = anger.turn() >= (venting ? settings.calmAnger() : settings.ventingAnger());
        String mood = anger.describe();
        if (heldRoute.isPresent()) {
            Move held = heldRoute.get();
            return new Move(Move.Action.ROUTE, held.say(), "routing as decided before the caller cut in: "
                    + held.reason(), held.saidBack());
        }
        Optional<Request> person = turn.request().filter(r -> r.kind() == Request.Kind.PERSON);
        if (person.isPresent()) {
            return route(prompts.request(person.get()), "caller asked for a person; " + mood, "");
        }
        Optional<Request> callback = turn.request().filter(r -> r.kind() == Request.Kind.CALLBACK);
        if (callback.isPresent()) {
            return new Move(Move.Action.CALLBACK, prompts.request(callback.get()), "caller asked to be called back; "
                    + mood);
        }
        if (venting) {
            return handOverOr(anger, mood).orElseGet(() -> acknowledge(turn, "caller is venting; " + mood));
        }
        if (rounds > 0) {
            Optional<String> calming = calming(turn, anger);
            if (calming.isPresent()) {
                return route(prompts.route(issue()), "caller is calming after " + rounds
                        + " acknowledgement(s): " + calming.get() + "; " + mood, issue());
            }
            return handOverOr(anger, mood).orElseGet(() -> acknowledge(turn,
                    "caller is still upset, with no sign of calming yet; " + mood));
        }
        if (turn.request().isPresent()) {
            return route(prompts.request(turn.request().get()), "calm request: " + turn.request().get().label()
                    + "; " + mood, turn.request().get().object());
        }
        if (turn.issue().isPresent()) {
            return route(prompts.confirm(issue()), "calm caller with a clear issue; " + mood, issue());
        }
        if (turn.topicOnly() && turn.topic().isPresent()) {
            if (questions == 0) {
                return new Move(Move.Action.ASK, prompts.ask(turn.topic().get()),
                        "calm caller named only the topic; asking what is happening", turn.topic().get());
            }
            return route(prompts.route(issue()), "named only the topic again; a person will ask", issue());
        }
        if (++unclearTurns >= MAX_UNCLEAR_TURNS) {
            return route(prompts.route(issue()), unclearTurns + " calm turns without a clear issue; a person will ask",
                    issue());
        }
        return Move.waiting("calm, issue not clear yet; listening for more");
    }

    /** The caller pressed 0 on the keypad: they want a person, now. */
    Move pressedZero() {
        request = Optional.of(new Request(Request.Kind.PERSON, ""));
        return route(prompts.request(request.get()), "caller pressed 0 to speak to a person", "");
    }

    /** The caller heard {@code move} (or its beginning). */
    void delivered(Move move) {
        switch (move.action()) {
            case ACKNOWLEDGE -> rounds++;
            case ASK -> questions++;
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

    /** The complaint, the best said of the call so far, in the line's words; empty if none was heard. */
    String issue() {
        return issue.orElse("");
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

    private void remember(TurnReader.Reading turn) {
        if (turn.issue().isPresent() && turn.issueWeight() > issueWeight) {
            issue = turn.issue();
            issueWeight = turn.issueWeight();
        }
        turn.feeling().ifPresent(feelings::add);
        request = turn.request().or(() -> request);
        topic = topic.or(turn::topic);
    }

    private Move acknowledge(TurnReader.Reading turn, String reason) {
        int round = rounds + 1;
        String said = turn.issue().orElse(issue());
        return new Move(Move.Action.ACKNOWLEDGE, prompts.acknowledge(round, said, turn.feeling().isPresent()),
                reason + " (round " + round + ")", said);
    }

    private Optional<Move> handOverOr(Anger anger, String mood) {
        if (rounds >= settings.maxRounds()) {
            return Optional.of(route(prompts.route(issue()), "acknowledged " + rounds + " times; handing over; "
                    + mood, issue()));
        }
        if (anger.ventingSeconds() >= settings.maxVentingSeconds()) {
            return Optional.of(route(prompts.route(issue()), String.format(Locale.ROOT,
                    "vented %.0f s; handing over; %s", anger.ventingSeconds(), mood), issue()));
        }
        return Optional.empty();
    }

    /** Evidence that an acknowledged caller is settling: more than a turn that happens to lack anger words. */
    private static Optional<String> calming(TurnReader.Reading turn, Anger anger) {
        if (turn.thanks()) {
            return Optional.of("thanks or acceptance");
        }
        if (turn.wantsHelp()) {
            return Optional.of("asks to be helped");
        }
        if (turn.request().isPresent()) {
            return Optional.of("asks to " + turn.request().get().label());
        }
        if (anger.smoothed() == AngerMeter.Level.CALM && anger.trend() != AngerMeter.Trend.ESCALATING) {
            return Optional.of("anger has fallen");
        }
        return Optional.empty();
    }

    private static Move route(String say, String reason, String saidBack) {
        return new Move(Move.Action.ROUTE, say, reason, saidBack);
    }
}
