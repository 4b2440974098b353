package com.calmline.agent;

import com.calmline.privacy.Redactor;
import com.calmline.review.Transcripts;
import com.calmline.store.CallStore;
import com.calmline.store.Channels;
import com.calmline.store.RecordStore;
import com.calmline.telephony.CallControl;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.calmline.web.LiveFeed;
import com.calmline.web.Pages;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' half: {@code /agent} lists the callers waiting (newest first, with topic, problem, wait and
 * mood), opens one to its screen-pop and live transcript, takes it (one atomic claim in Redis, then Twilio
 * dequeues the caller to the agent) and wraps it up. The same through {@code /api/calls/*} for machines.
 * An agent reads only the callers waiting and the calls they took; every call opened is in the audit.
 */
public final class AgentDesk implements Auth.CallAccess {
    private static final Logger log = LoggerFactory.getLogger(AgentDesk.class);
    private static final int LISTED = 100;
    private static final List<String> OUTCOMES = List.of("resolved", "follow-up", "escalated");
    private static final String NOT_PUT_THROUGH = "Twilio did not put that caller through to you, so they are "
            + "still waiting: take the call again, or leave it to a colleague.";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneId.systemDefault());

    /**
     * A caller in a list: waiting for an agent, or on this agent's own list. {@code caller}: their number,
     * masked, for a caller put straight through, whom no topic or problem tells apart.
     */
    public record WaitingCall(String callSid, String topic, String issue, String waited, String mood,
                              String moodLabel, double angerPeak, boolean open, String caller) {
    }

    /**
     * The call an agent has open: its screen-pop with the live transcript, who has it, its wrap-up;
     * {@code preview}: not chosen, shown because it is the newest caller waiting; {@code putThroughBecause}:
     * why the line put the caller straight through without a summary (empty when it routed them); {@code ended}:
     * the caller has hung up (or the line ended the call).
     */
    public record OpenCall(ScreenPop pop, String takenBy, boolean mine, String outcome, String note,
                           boolean preview, String putThroughBecause, boolean ended) {
        public String peakMood() {
            return pop.peakLevel();
        }

        public String peakLabel() {
            return label(pop.peakLevel());
        }

        /** The mood now, in the same words as the peak's badge. */
        public String nowLabel() {
            return label(pop.angerLevel());
        }

        public boolean heard() {
            return !pop.peakLevel().equals(ScreenPops.UNHEARD);
        }

        public String format(double value) {
            return String.format(java.util.Locale.ROOT, "%.2f", value);
        }

        public String lastCall() {
            try {
                return DAY.format(Instant.parse(pop.caller().lastCallDate()));
            } catch (RuntimeException e) {
                return "on an unknown date";
            }
        }
    }

    /**
     * Everything the desk page shows; {@code open} is null when no call is open, {@code chosen} the call the
     * agent asked for (empty when none), which the live feed keeps rendering: shown, or why it is not.
     * {@code notice} is what the last action led to (shown once, above the live parts); {@code unavailable} why
     * the chosen call is not shown (someone else took it, it ended): part of the live call part, so it stays.
     */
    public record Desk(Auth.Principal user, List<WaitingCall> waiting, List<WaitingCall> mine, OpenCall open,
                       String notice, String unavailable, Optional<String> chosen) {
        public String eventsUrl() {
            return "/agent/events" + chosen.map(sid -> "?call=" + sid).orElse("");
        }
    }

    private final ScreenPops screenPops;
    private final Transcripts transcripts;
    private final CallStore calls;
    private final DeskReads direct;
    private final CallControl control;
    private final Pages pages;
    private final LiveFeed feed;

    public AgentDesk(ScreenPops screenPops, CallStore calls, Channels channels, RecordStore records,
                     CallControl control, Pages pages, Transcripts transcripts) {
        this.screenPops = screenPops;
        this.transcripts = transcripts;
        this.calls = calls;
        this.control = control;
        this.pages = pages;
        this.direct = DeskReads.direct(calls, screenPops);
        DeskSnapshot shared = new DeskSnapshot(calls, screenPops);
        this.feed = new LiveFeed("desk", channels, records, shared::changed,
                (viewer, open) -> fragments(viewer, open, shared));
    }

    public void register(RoutesConfig routes) {
        routes.get("/agent", this::page, Auth.Role.AGENT);
        routes.sse("/agent/events", client -> {
            opened(client.ctx()).ifPresent(sid -> transcripts.viewed(Auth.principal(client.ctx()), sid, "desk"));
            feed.join(client);
        }, Auth.Role.AGENT);
        routes.post("/agent/calls/{sid}/take", ctx -> {
            Taken taken = take(ctx);
            String notice = taken.mine() ? "" : taken.agent().isEmpty() ? "&notice=not-put-through" : "&notice=taken";
            ctx.redirect("/agent?call=" + taken.callSid() + notice, HttpStatus.SEE_OTHER);
        }, Auth.Role.AGENT);
        routes.post("/agent/calls/{sid}/wrapup", ctx -> {
            wrapUp(ctx);
            ctx.redirect("/agent?call=" + ctx.pathParam("sid"), HttpStatus.SEE_OTHER);
        }, Auth.Role.AGENT);
        routes.get("/api/calls/waiting", ctx -> ctx.json(listed(ScreenPops.WAITING, Optional.empty(), direct)),
                Auth.Role.AGENT);
        routes.get("/api/calls/{sid}/screenpop", this::screenPop, Auth.Role.AGENT);
        routes.post("/api/calls/{sid}/take", ctx -> {
            Taken taken = take(ctx);
            ctx.status(taken.mine() ? HttpStatus.OK : taken.agent().isEmpty() ? HttpStatus.BAD_GATEWAY
                    : HttpStatus.CONFLICT).json(taken);
        }, Auth.Role.AGENT);
        routes.post("/api/calls/{sid}/wrapup", ctx -> ctx.json(wrapUp(ctx)), Auth.Role.AGENT);
    }

    /**
     * Supervisors (and the API token) read any call; an agent the callers waiting on the desk, and the calls
     * they took.
     */
    @Override
    public boolean mayRead(Auth.Principal who, String callSid) {
        return mayRead(who, callSid, direct);
    }

    private static boolean mayRead(Auth.Principal who, String callSid, DeskReads reads) {
        return who.role().covers(Auth.Role.SUPERVISOR) || reads.isListed(ScreenPops.WAITING, callSid)
                || who.name().equals(reads.call(callSid).get("agent"));
    }

    /** Stops following live updates. */
    public void close() {
        feed.close();
    }

    /**
     * Who has the call now (nobody, if Twilio did not move the caller), and whether that is the one who asked;
     * with how Twilio took the dequeue, and what went wrong if it did not.
     */
    record Taken(String callSid, String agent, boolean mine, String delivery, String error) {
    }

    private void page(Context ctx) {
        Auth.Principal me = Auth.principal(ctx);
        Optional<String> open = Optional.ofNullable(ctx.queryParam("call"));
        if (open.isPresent() && !CallSid.valid(open.get())) {
            throw new BadRequestResponse("call: " + CallSid.SHAPE);
        }
        String notice = switch (Optional.ofNullable(ctx.queryParam("notice")).orElse("")) {
            case "taken" -> "Someone else took that call first.";
            case "not-put-through" -> NOT_PUT_THROUGH;
            default -> "";
        };
        Desk desk = desk(me, open, notice, direct);
        if (desk.open() != null) {
            transcripts.viewed(me, desk.open().pop().callSid(), "desk");
        }
        pages.page(ctx, "agent.jte", Map.of("desk", desk));
    }

    private void screenPop(Context ctx) {
        Auth.Principal me = Auth.principal(ctx);
        String sid = CallSid.of(ctx);
        ScreenPop pop = screenPops.current(sid).map(ScreenPops.Waiting::pop)
                .orElseThrow(() -> new NotFoundResponse("no screen-pop: the call has not waited for a person"));
        require(me, sid);
        transcripts.viewed(me, sid, "screenpop");
        ctx.json(pop);
    }

    /** The call a live feed was opened on, if its viewer may read it. */
    private Optional<String> opened(Context ctx) {
        return Optional.ofNullable(ctx.queryParam("call")).filter(CallSid::valid)
                .filter(sid -> mayRead(Auth.principal(ctx), sid));
    }

    private Taken take(Context ctx) {
        Auth.Principal me = Auth.principal(ctx);
        if (me.dial().isEmpty()) {
            throw new BadRequestResponse("a call is taken by a person with a phone to ring, not with the API token");
        }
        String sid = CallSid.of(ctx);
        Map<String, String> call = calls.call(sid);
        if (call.isEmpty() || screenPops.waiting(sid).isEmpty()) {
            throw new NotFoundResponse("no call " + sid + " has waited for a person");
        }
        String holder = calls.claimCall(sid, "agent", me.name());
        if (!holder.equals(me.name())) {
            return new Taken(sid, holder, false, "none", "");
        }
        CallControl.Outcome outcome = control.connect(sid, Optional.ofNullable(call.get("queueSid")), me.name(),
                me.dial());
        if (!outcome.heard()) {
            // Still waiting in Twilio's queue: they stay on every desk, free for this agent or another to take.
            calls.releaseCall(sid, "agent", me.name());
            log.warn("call {}: {} could not take it, Twilio did not move the caller ({}: {})", sid, me.name(),
                    outcome.delivery().label(), outcome.detail());
            return new Taken(sid, "", false, outcome.delivery().label(), NOT_PUT_THROUGH + " Twilio said: "
                    + outcome.detail());
        }
        transcripts.tagCall(sid, call, "agent", me.name());
        calls.unlistCall(ScreenPops.WAITING, sid);
        calls.listCall("agent:" + me.name(), System.currentTimeMillis(), sid);
        calls.updateCall(sid, Map.of("taken", Instant.now().toString(), "dequeue", outcome.delivery().label()));
        log.info("call {}: taken by {}; dequeue {}", sid, me.name(), outcome.delivery().label());
        return new Taken(sid, me.name(), true, outcome.delivery().label(), "");
    }

    private Map<String, String> wrapUp(Context ctx) {
        Auth.Principal me = Auth.principal(ctx);
        String sid = CallSid.of(ctx);
        String outcome = ctx.formParamAsClass("outcome", String.class).check(OUTCOMES::contains,
                "outcome is resolved, follow-up or escalated").get();
        String note = Redactor.redact(Optional.ofNullable(ctx.formParam("note")).orElse("").strip());
        if (note.length() > 1000) {
            throw new BadRequestResponse("a note is at most 1000 characters");
        }
        Map<String, String> call = calls.call(sid);
        String holder = call.getOrDefault("agent", "");
        if (!holder.equals(me.name()) && me.role() == Auth.Role.AGENT) {
            throw new ForbiddenResponse(holder.isEmpty() ? "take the call first" : "this is " + holder + "'s call");
        }
        Map<String, String> wrap = Map.of("outcome", outcome, "note", note, "wrappedUp", Instant.now().toString(),
                "wrappedUpBy", me.name());
        transcripts.tagCall(sid, call, "outcome", outcome);
        calls.updateCall(sid, wrap);
        calls.unlistCall("agent:" + holder, sid);
        return wrap;
    }

    /**
     * With no call chosen, the newest waiting caller is previewed, so the agent reads them before taking. A
     * chosen call the agent may not read (any more: someone else took it) is not shown, only who has it.
     */
    private Desk desk(Auth.Principal me, Optional<String> open, String notice, DeskReads reads) {
        List<WaitingCall> waiting = listed(ScreenPops.WAITING, open, reads);
        List<WaitingCall> mine = listed("agent:" + me.name(), open, reads);
        if (open.isPresent() && !mayRead(me, open.get(), reads)) {
            String holder = reads.call(open.get()).getOrDefault("agent", "");
            String why = holder.isEmpty() ? "That caller is no longer waiting."
                    : "Taken by " + holder + ": only they and supervisors can open it now.";
            return new Desk(me, waiting, mine, null, notice, why, open);
        }
        Optional<String> shown = open.or(() -> waiting.stream().findFirst().map(WaitingCall::callSid));
        OpenCall call = shown.flatMap(sid -> reads.current(sid).map(w -> {
            Map<String, String> c = reads.call(sid);
            String holder = c.getOrDefault("agent", "");
            return new OpenCall(w.pop(), holder, holder.equals(me.name()), c.getOrDefault("outcome", ""),
                    c.getOrDefault("note", ""), open.isEmpty(), w.because(), "ENDED".equals(c.get("state")));
        })).orElse(null);
        return new Desk(me, waiting, mine, call, notice, "", open);
    }

    private static List<WaitingCall> listed(String list, Optional<String> open, DeskReads reads) {
        List<WaitingCall> shown = new ArrayList<>();
        for (String sid : reads.listed(list, LISTED)) {
            Optional<ScreenPops.Waiting> waiting = reads.waiting(sid);
            if (waiting.isEmpty()) {
                continue;
            }
            ScreenPop p = waiting.get().pop();
            String because = waiting.get().because();
            String issue = !because.isEmpty() ? "No summary: put straight through because " + because
                    : !p.problem().isEmpty() ? p.problem() : p.keyLines().isEmpty() ? "(no problem stated yet)"
                    : "(not heard surely enough to quote: see the key lines)";
            shown.add(new WaitingCall(sid, p.topic(), issue, waited(p.routedAt()), p.peakLevel(),
                    label(p.peakLevel()), p.angerPeak(), open.map(sid::equals).orElse(false),
                    because.isEmpty() ? "" : Redactor.phone(p.caller().number())));
        }
        return shown;
    }

    /** The page's live parts, rendered for one viewer from what every live page shares: the lists, the open call. */
    private Map<String, String> fragments(Auth.Principal me, Optional<String> open, DeskReads shared) {
        Desk desk = desk(me, open, "", shared);
        Map<String, String> parts = new HashMap<>();
        parts.put("waiting", pages.render("agent/waiting.jte", Map.of("desk", desk)));
        parts.put("call", pages.render("agent/call.jte", Map.of("desk", desk)));
        // Apart from the call, so a growing transcript never redraws the wrap-up form an agent is typing in.
        parts.put("transcript", pages.render("agent/transcript.jte", Map.of("desk", desk)));
        return parts;
    }

    private static String waited(String since) {
        try {
            long s = Math.max(0, Duration.between(Instant.parse(since), Instant.now()).toSeconds());
            return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String label(String level) {
        return switch (level) {
            case "angry" -> "Angry";
            case "annoyed" -> "Upset";
            case ScreenPops.UNHEARD -> "Not heard";
            default -> "Calm";
        };
    }
}
