package com.calmline.telephony;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.http.HttpMethod;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.queue.Member;
import com.twilio.type.Twiml;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks to and routes a live call by replacing its TwiML through Twilio's REST API
 * ({@code POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json}). The media stream started by the
 * greeting keeps running across updates. Without credentials (demo mode) it logs what it would send.
 */
public final class CallControl {
    private static final Logger log = LoggerFactory.getLogger(CallControl.class);

    public enum Delivery {
        /** STALE: not sent, because the caller spoke again between the decision and its delivery. */
        SENT, DEMO, CALL_ENDED, FAILED, STALE;

        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** What was (or would have been) sent, and what became of it. */
    public record Outcome(String twiml, Delivery delivery, String detail) {
        public boolean heard() {
            return delivery == Delivery.SENT || delivery == Delivery.DEMO;
        }
    }

    private final Optional<TwilioRestClient> twilio;
    private final Supplier<String> publicBaseUrl;
    private final TwimlBuilder twiml;
    private final Optional<String> workflowSid;

    /**
     * {@code publicBaseUrl} is asked at each update: in demo mode it is known only once the server is bound.
     * With {@code workflowSid}, routed callers go to TaskRouter instead of a named queue.
     */
    public CallControl(Optional<TwilioRestClient> twilio, Supplier<String> publicBaseUrl, int listenSeconds,
                       Optional<String> workflowSid) {
        this.twilio = twilio;
        this.publicBaseUrl = publicBaseUrl;
        this.twiml = new TwimlBuilder(listenSeconds);
        this.workflowSid = workflowSid;
    }

    /**
     * A REST client for the account that gives up after {@code timeout} (connect, then response) and tries
     * once; with {@code apiBaseUrl}, its requests go there instead of api.twilio.com.
     */
    public static TwilioRestClient restClient(String accountSid, String authToken, Optional<String> apiBaseUrl,
                                              Duration connectTimeout, Duration responseTimeout) {
        return new TwilioRestClient.Builder(accountSid, authToken)
                .httpClient(new TwilioHttpClient(apiBaseUrl, connectTimeout, responseTimeout)).build();
    }

    /**
     * Asks Twilio for the account, once: says at startup whether the credentials work, and makes the SDK
     * load and connect then, not during the first caller's route.
     */
    public void checkAccount(String accountSid) {
        if (twilio.isEmpty()) {
            return;
        }
        try {
            com.twilio.rest.api.v2010.Account.fetcher(accountSid).fetch(twilio.get());
            log.info("Twilio accepted the account credentials");
        } catch (ApiException e) {
            log.warn("Twilio refused the account credentials (HTTP {}, code {}): {}", e.getStatusCode(), e.getCode(),
                    e.getMessage());
        } catch (ApiConnectionException e) {
            log.warn("Twilio unreachable at startup: {}", e.getMessage());
        }
    }

    /** Says {@code text}, then goes back to listening. */
    public Outcome say(String callSid, String text) {
        return update(callSid, "say", twiml.sayThenListen(text, listenUrl()));
    }

    /**
     * Says {@code text}, then puts the caller in {@code queue} for the next agent; with TaskRouter, as a task
     * carrying {@code taskAttributes} (JSON).
     */
    public Outcome route(String callSid, String text, String queue, String taskAttributes) {
        return update(callSid, "route", routing(text, queue, taskAttributes));
    }

    /** Says {@code text} (a callback confirmed), then ends the call. */
    public Outcome sayThenHangUp(String callSid, String text) {
        return update(callSid, "say-then-hang-up", twiml.sayThenHangUp(text));
    }

    /**
     * Rings {@code to} from {@code from} for a callback: Twilio fetches {@code answerPath} when it is
     * answered (with answering-machine detection) and posts the outcome to {@code statusPath}. The outcome's
     * detail is the new call's sid.
     */
    public Outcome dial(String to, String from, String answerPath, String statusPath) {
        String answer = base() + answerPath;
        if (twilio.isEmpty()) {
            log.info("DEMO: would ring a customer for a callback, answered at {}", answer);
            return new Outcome(answer, Delivery.DEMO, "demo mode: not sent");
        }
        try {
            Call call = Call.creator(new com.twilio.type.PhoneNumber(to), new com.twilio.type.PhoneNumber(from),
                            URI.create(answer))
                    .setMethod(HttpMethod.POST)
                    .setStatusCallback(URI.create(base() + statusPath))
                    .setStatusCallbackMethod(HttpMethod.POST)
                    .setMachineDetection("Enable")
                    .create(twilio.get());
            return new Outcome(answer, Delivery.SENT, call.getSid());
        } catch (ApiException e) {
            log.warn("Twilio refused a callback dial (HTTP {}, code {}): {}", e.getStatusCode(), e.getCode(),
                    e.getMessage());
            return new Outcome(answer, Delivery.FAILED, "HTTP " + e.getStatusCode() + " code " + e.getCode());
        } catch (ApiConnectionException e) {
            log.warn("Twilio unreachable for a callback dial: {}", e.getMessage());
            return new Outcome(answer, Delivery.FAILED, "unreachable: " + e.getMessage());
        }
    }

    /** Where a call Twilio placed stands now ({@code completed}, {@code busy}, {@code in-progress}…); empty if unknown. */
    public Optional<String> status(String twilioCallSid) {
        if (twilio.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Call.fetcher(twilioCallSid).fetch(twilio.get()).getStatus()).map(Object::toString);
        } catch (ApiException | ApiConnectionException e) {
            log.warn("cannot fetch the status of a placed call: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Where one of our calls stands at Twilio: {@code over}, with how long it lasted ({@code durationMs}, -1 when
     * Twilio does not say), or still going on; {@code known} is false when Twilio could not be asked (demo mode,
     * Twilio unreachable), and then the call is not over as far as anyone here can tell.
     */
    record Standing(boolean known, boolean over, long durationMs) {
        static final Standing UNKNOWN = new Standing(false, false, -1);
    }

    Standing standing(String callSid) {
        if (twilio.isEmpty()) {
            return Standing.UNKNOWN;
        }
        try {
            Call call = Call.fetcher(callSid).fetch(twilio.get());
            Call.Status status = call.getStatus();
            if (status == null) {
                return Standing.UNKNOWN;
            }
            boolean over = !List.of(Call.Status.QUEUED, Call.Status.RINGING, Call.Status.IN_PROGRESS).contains(status);
            return new Standing(true, over, over ? millis(call.getDuration()) : -1);
        } catch (ApiException e) {
            if (Integer.valueOf(404).equals(e.getStatusCode())) {
                // Twilio keeps every call it handled: one it does not know is not going on.
                return new Standing(true, true, -1);
            }
            log.debug("call {}: cannot ask Twilio how it stands: {}", callSid, e.getMessage());
            return Standing.UNKNOWN;
        } catch (ApiConnectionException e) {
            log.debug("call {}: Twilio unreachable to ask how it stands: {}", callSid, e.getMessage());
            return Standing.UNKNOWN;
        } catch (RuntimeException e) {
            log.warn("call {}: asking Twilio how it stands failed unexpectedly: {}", callSid, e.toString());
            return Standing.UNKNOWN;
        }
    }

    private static long millis(String seconds) {
        try {
            return seconds == null ? -1 : Long.parseLong(seconds.strip()) * 1000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A call Twilio placed to {@code to} since {@code since}, if any: did a dial that died mid-request reach Twilio? */
    public Optional<String> findCall(String to, java.time.Instant since) {
        if (twilio.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (Call call : Call.reader().setTo(new com.twilio.type.PhoneNumber(to))
                    .setStartTimeAfter(since.atZone(java.time.ZoneOffset.UTC)).limit(20).read(twilio.get())) {
                return Optional.of(call.getSid());
            }
            return Optional.empty();
        } catch (ApiException | ApiConnectionException e) {
            throw new IllegalStateException("cannot ask Twilio for calls placed: " + e.getMessage(), e);
        }
    }

    /** TwiML: say {@code text}, then hang up. */
    public String sayingThenHangingUp(String text) {
        return twiml.sayThenHangUp(text);
    }

    /** TwiML: hang up (an answering machine took the callback). */
    public String hangingUp() {
        return twiml.hangUp();
    }

    /** TwiML: ask for one key, answered at {@code actionPath}; {@code otherwise} is said if none comes. */
    public String askingForAKey(String text, String actionPath, String otherwise) {
        return twiml.askKey(text, base() + actionPath, otherwise);
    }

    /** TwiML for a customer who answered a callback: {@code text}, then an agent queue ahead of new calls. */
    public String callbackToAgent(String text, String queue, String taskAttributes) {
        return twiml.sayThenEnqueuePriority(text, queue, workflowSid, taskAttributes, base() + TwilioRoutes.WAIT);
    }

    /** The TwiML {@link #route} sends, for answering a webhook with it directly. */
    String routing(String text, String queue, String taskAttributes) {
        return twiml.sayThenEnqueue(text, queue, workflowSid, taskAttributes, base() + TwilioRoutes.WAIT);
    }

    /**
     * Takes a waiting caller out of the queue to the agent who took the call: the queue member is sent to
     * the signed {@code /twilio/connect}, which dials {@code target} ({@code client:IDENTITY} or a number).
     * Without the queue's sid (TaskRouter, or the wait URL never fetched) the call itself is redirected.
     */
    public Outcome connect(String callSid, Optional<String> queueSid, String agent, String target) {
        String url = base() + TwilioRoutes.CONNECT + "?agent=" + encode(agent) + "&to=" + encode(target);
        if (twilio.isEmpty()) {
            log.info("DEMO: would send call {} to agent {}", callSid, agent);
            return new Outcome(url, Delivery.DEMO, "demo mode: not sent");
        }
        return sent(callSid, url, () -> {
            if (queueSid.isPresent()) {
                Member.updater(queueSid.get(), callSid, URI.create(url)).setMethod(HttpMethod.POST)
                        .update(twilio.get());
            } else {
                Call.updater(callSid).setUrl(URI.create(url)).setMethod(HttpMethod.POST).update(twilio.get());
            }
        });
    }

    /** Stops whatever the line is saying and listens. */
    public Outcome listen(String callSid) {
        return update(callSid, "listen", twiml.listen(listenUrl()));
    }

    private String listenUrl() {
        return base() + TwilioRoutes.LISTEN;
    }

    private String base() {
        return publicBaseUrl.get().replaceAll("/+$", "");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code kind} names the TwiML in the log, which never holds the TwiML: it says the caller's words back. */
    private Outcome update(String callSid, String kind, String xml) {
        if (twilio.isEmpty()) {
            log.info("DEMO: would update call {} with {} TwiML ({} characters)", callSid, kind, xml.length());
            return new Outcome(xml, Delivery.DEMO, "demo mode: not sent");
        }
        return sent(callSid, xml, () -> Call.updater(callSid).setTwiml(new Twiml(xml)).update(twilio.get()));
    }

    private Outcome sent(String callSid, String xml, Runnable request) {
        try {
            request.run();
            return new Outcome(xml, Delivery.SENT, "");
        } catch (ApiException e) {
            if (e.getStatusCode() == null) {
                // The SDK reports a timeout or a refused connection as an ApiException without a status.
                log.warn("call {}: Twilio did not answer the update: {}", callSid, e.getMessage());
                return new Outcome(xml, Delivery.FAILED, "unreachable: " + e.getMessage());
            }
            boolean gone = Integer.valueOf(404).equals(e.getStatusCode()) || Integer.valueOf(21220).equals(e.getCode());
            log.warn("call {}: Twilio refused the update (HTTP {}, code {}): {}", callSid, e.getStatusCode(),
                    e.getCode(), e.getMessage());
            return new Outcome(xml, gone ? Delivery.CALL_ENDED : Delivery.FAILED,
                    "HTTP " + e.getStatusCode() + " code " + e.getCode() + ": " + e.getMessage());
        } catch (ApiConnectionException e) {
            log.warn("call {}: Twilio unreachable for the update: {}", callSid, e.getMessage());
            return new Outcome(xml, Delivery.FAILED, "unreachable: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("call {}: the update failed unexpectedly", callSid, e);
            return new Outcome(xml, Delivery.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
