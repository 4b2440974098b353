package com.calmline.review;

import com.calmline.web.Auth;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the supervisors' pages show, one immutable record per page and per part, as the templates in
 * {@code src/main/jte/supervisor} read them. Built by the classes that read the calls; nothing here reads.
 */
public final class SupervisorViews {
    /** The outcomes an agent's wrap-up records, which the call list filters on. */
    static final List<String> OUTCOMES = List.of("resolved", "follow-up", "escalated");

    private SupervisorViews() {
    }

    /** One call in the list. */
    public record Row(String callSid, String date, String caller, String duration, String topic, String queue,
                      String agent, String angerPeak, String level, String talkOvers, String outcome, boolean live) {
    }

    /** What the list was asked for, as typed (so the form shows it again). */
    public record Filters(String from, String to, String anger, String topic, String queue, String agent,
                          String outcome, String q) {
        public List<String> outcomes() {
            return OUTCOMES;
        }

        public List<String> angerSteps() {
            return CallIndex.ANGER_STEPS;
        }
    }

    public record Alert(String callSid, String at, String reason, String anger, String said) {
    }

    /** A piece of a transcript line; {@code marked} when it is a searched word. */
    public record Piece(String text, boolean marked) {
    }

    /** Why a call matched a search: the turn with most of the searched words, by whom and when in the call. */
    public record Excerpt(String speaker, String at, List<Piece> pieces) {
    }

    /** {@code matches}: by call sid, the turn that made each listed call match a search (none without one). */
    public record CallList(Auth.Principal user, Filters filters, List<Row> rows, Map<String, Excerpt> matches,
                           long total, int page, int pages, String previous, String next, List<Alert> alerts,
                           String notice) {
        public String eventsUrl() {
            return "/supervisor/events";
        }
    }

    public record Home(Auth.Principal user, Figures figures, String chartJson, List<Alert> alerts) {
        public String eventsUrl() {
            return "/supervisor/events?page=" + Supervision.DASHBOARD;
        }
    }

    public record TurnView(String speaker, String at, String text, String anger, String level) {
    }

    public record DecisionView(String at, String action, String state, String reason, String say) {
    }

    public record PopView(String topic, String queue, String issue, String feeling, String request,
                          String opening, List<String> resolutions, List<String> alreadySaid) {
    }

    public record CallbackView(String id, String kind, String due, String status, String reason) {
    }

    public record Detail(Auth.Principal user, Row row, List<TurnView> turns, List<DecisionView> decisions,
                         String timelineJson, Optional<PopView> pop, List<CallbackView> callbacks,
                         Map<String, String> wrapUp, List<Seen> views, List<Alert> alerts, String notice) {
        public boolean admin() {
            return user.role() == Auth.Role.ADMIN;
        }

        public String eventsUrl() {
            return "/supervisor/events?call=" + row.callSid();
        }
    }

    /** One period's figures: shares are 0-1, or NaN with no calls to share. */
    public record Period(String label, long calls, double arrivedAngry, double calmedBeforeAgent,
                         double medianVentingSeconds, long talkOvers, long overflow, Map<String, Long> byQueue,
                         Map<String, Long> byTopic) {
        public String percent(double share) {
            return Double.isNaN(share) ? "–" : Math.round(share * 100) + " %";
        }

        public String seconds() {
            return Double.isNaN(medianVentingSeconds) ? "–" : String.format(Locale.ROOT, "%.1f s", medianVentingSeconds);
        }
    }

    /** A day of the week's chart: calls, and callers who arrived angry. */
    public record Day(String date, long epochSeconds, long calls, long arrivedAngry) {
    }

    public record Figures(Period today, Period week, List<Day> days, long callbacksDue, long callbacksFailed) {
        public long max(Map<String, Long> counts) {
            return counts.values().stream().mapToLong(Long::longValue).max().orElse(1);
        }
    }

    /**
     * One look at a call, as the audit stores it: {@code what} is page, export, api, desk, screenpop or erase;
     * {@code token} when the reader was a machine with {@code API_TOKEN} rather than a person.
     */
    public record View(String who, String role, String callSid, String what, long atMs, boolean token) {
    }

    /** One look at a call as the audit shows it: who ("sue (supervisor)", "API token (admin)"), what they did, when. */
    public record Seen(String who, String what, String callSid, boolean erased, String at) {
    }

    /** The confirmation before erasing a call; {@code inProgress} says why it cannot be erased yet. */
    public record Erase(Auth.Principal user, Row row, String inProgress, String error) {
    }

    public record Audit(Auth.Principal user, List<Seen> views) {
    }
}
