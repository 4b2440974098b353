package com.calmline.telephony;

import com.calmline.privacy.LogSafe;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.store.CallStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The end of calls no media stream will report. A call ends, for everything here, when its stream stops; but
 * a caller put straight through (every line busy, 0 pressed where no conversation runs, a lost stream) or
 * whose stream stopped because an instance shut down is still on the phone, and nothing will say when they
 * hang up. Such calls are watched in Redis ({@code calls:unfinished}, scored by when to ask next): every
 * instance claims the ones due, asks Twilio how each stands, and when one is over completes it once: the
 * caller leaves the desk, an angry call gets its follow-up, the call its end and duration.
 */
final class CallEnds implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallEnds.class);
    private static final String WATCHED = "unfinished";
    /** Asked first a little after the caller was put through: nobody hangs up on a queue at once. */
    private static final Duration FIRST_ASK = Duration.ofSeconds(5);
    private static final Duration ASK_EVERY = Duration.ofSeconds(10);
    /** Far longer than a round of Twilio requests: a claim still out after this was an instance that died. */
    private static final Duration LEASE = Duration.ofMinutes(1);
    /**
     * No support call lasts a day: past it a call whose end cannot be learnt (demo mode has no Twilio to ask)
     * is completed anyway, its duration unknown, so no caller stays on the desk for ever.
     */
    private static final Duration LONGEST_CALL = Duration.ofDays(1);
    private static final int BATCH = 20;
    /** Claims, in one step, up to ARGV[4] calls due by ARGV[2], leased until ARGV[3]. */
    private static final String CLAIM = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
            for _, sid in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[3], sid) end
            return due""";
    private static final String ASK_AGAIN = "if redis.call('ZSCORE', KEYS[1], ARGV[2]) then "
            + "redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2]) end";

    private final CallStore calls;
    private final CallControl control;
    private final Transcripts transcripts;
    private final TwilioRoutes.WaitingList waiting;
    private final TwilioRoutes.FollowUps followUps;
    private final ScheduledExecutorService asker;
    /** Claims fail every second while Redis is away: a line a minute says so. */
    private final LogSafe.Limit unclaimed = new LogSafe.Limit("call-end-claim-failed", Level.WARN, 1);
    private final LogSafe.Limit failed = new LogSafe.Limit("call-end-check-failed", Level.WARN, 10);

    CallEnds(CallStore calls, CallControl control, Transcripts transcripts, TwilioRoutes.WaitingList waiting,
             TwilioRoutes.FollowUps followUps) {
        this.calls = calls;
        this.control = control;
        this.transcripts = transcripts;
        this.waiting = waiting;
        this.followUps = followUps;
        this.asker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "call-ends");
            t.setDaemon(true);
            return t;
        });
        asker.scheduleWithFixedDelay(this::askDue, 1, 1, TimeUnit.SECONDS);
    }

    /** From now on the call's end is learnt from Twilio; held through a Redis outage like any write. */
    void watch(String callSid) {
        calls.listCall(WATCHED, System.currentTimeMillis() + FIRST_ASK.toMillis(), callSid);
    }

    private void askDue() {
        long now = System.currentTimeMillis();
        List<?> due;
        try {
            due = (List<?>) calls.script(CLAIM, List.of("calls:" + WATCHED), List.of(Long.toString(now),
                    Long.toString(now + LEASE.toMillis()), Integer.toString(BATCH)));
        } catch (RuntimeException e) {
            unclaimed.log(log, "cannot claim calls to ask Twilio about: {}", e.getMessage());
            return;
        }
        for (Object sid : due) {
            String callSid = String.valueOf(sid);
            MDC.put(LogSafe.CALL_SID, callSid);
            try {
                ask(callSid);
            } catch (RuntimeException e) {
                // The claim's lease runs out and this or another instance asks again.
                failed.log(log, "call {}: cannot settle whether it ended: {}", callSid, e.getMessage());
            } finally {
                MDC.remove(LogSafe.CALL_SID);
            }
        }
    }

    private void ask(String callSid) {
        Map<String, String> call = calls.call(callSid);
        if (call.isEmpty()) {
            // Erased, or expired: nothing left to complete.
            waiting.ended(callSid);
            calls.unlistCall(WATCHED, callSid);
            return;
        }
        CallControl.Standing standing = control.standing(callSid);
        if (standing.over()) {
            complete(callSid, call, standing.durationMs());
        } else if (!standing.known() && Duration.between(started(call), Instant.now()).compareTo(LONGEST_CALL) > 0) {
            log.info("call {}: its end was never reported; taken as over after {}", callSid, LONGEST_CALL);
            complete(callSid, call, -1);
        } else {
            calls.script(ASK_AGAIN, List.of("calls:" + WATCHED), List.of(callSid,
                    Long.toString(System.currentTimeMillis() + ASK_EVERY.toMillis())));
        }
    }

    /**
     * Once per call, whichever instance gets here first. A stream still live on another instance (0 was
     * pressed here) ends the call itself as it stops; one that ended while the caller stayed on (the line lost
     * it) has recorded the call's end and follow-up already: then the caller only leaves the desk.
     */
    private void complete(String callSid, Map<String, String> call, long durationMs) {
        String now = Instant.now().toString();
        if (!calls.claimCall(callSid, "endReported", now).equals(now)) {
            calls.unlistCall(WATCHED, callSid);
            return;
        }
        waiting.ended(callSid);
        if (!calls.heard(callSid)) {
            if (!call.containsKey("durationMs")) {
                if (!"true".equals(call.get("callbackPromised"))) {
                    followUps.ended(callSid, call.getOrDefault("from", ""), call.getOrDefault("issue", ""),
                            number(call.get("angerPeak")));
                }
                if (durationMs >= 0) {
                    transcripts.end(callSid, durationMs);
                } else {
                    transcripts.record(callSid, new CallEvent.End(-1, callSid));
                }
            }
            calls.updateCall(callSid, Map.of("state", "ENDED"));
        }
        calls.unlistCall(WATCHED, callSid);
        log.info("call {}: over, as Twilio reports{}", callSid, durationMs >= 0 ? " (" + durationMs / 1000 + " s)" : "");
    }

    private static Instant started(Map<String, String> call) {
        try {
            return Instant.parse(call.getOrDefault("started", ""));
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static double number(String value) {
        try {
            return value == null ? 0 : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        asker.shutdownNow();
    }
}
