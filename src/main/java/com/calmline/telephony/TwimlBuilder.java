package com.calmline.telephony;

import com.twilio.twiml.VoiceResponse;
import com.twilio.http.HttpMethod;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Start;
import com.twilio.twiml.voice.Stream;
import com.twilio.twiml.voice.Task;
import java.util.Optional;
import java.util.UUID;

/**
 * The TwiML the line answers with. The stream is started before the greeting so a caller who talks over
 * it is still heard; then a DTMF-only Gather that redirects to itself keeps the call open and listening
 * while the audio goes to the media stream.
 */
final class TwimlBuilder {
    /**
     * What XML 1.0 cannot contain at all: most control characters, U+FFFE, U+FFFF and unpaired surrogates (a
     * regex sees a pair as one code point, so pairs stay).
     */
    private static final String NOT_XML = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF\\uD800-\\uDFFF]";
    /** Stand in for the caller and the token in the greeting rendered once; random, so no URL or prompt has them. */
    private static final String CALLER_MARK = "caller-" + UUID.randomUUID();
    private static final String TOKEN_MARK = "token-" + UUID.randomUUID();
    private final int listenSeconds;
    /**
     * The greeting answers every new call, and the SDK's rendering costs several hundred microseconds of CPU
     * (most of the webhook's time). Only the caller and the token change from call to call, so it is rendered
     * once per stream URL, prompt and listen URL, and each call fills in its two values.
     */
    private volatile GreetingTemplate greetingTemplate;

    /** The SDK's greeting cut around the caller's and the token's places. */
    private record GreetingTemplate(String streamUrl, String greeting, String listenUrl, String head, String middle,
                                    String tail) {
        static GreetingTemplate of(String streamUrl, String greeting, String listenUrl, String rendered) {
            int caller = rendered.indexOf(CALLER_MARK);
            int token = rendered.indexOf(TOKEN_MARK);
            return new GreetingTemplate(streamUrl, greeting, listenUrl, rendered.substring(0, caller),
                    rendered.substring(caller + CALLER_MARK.length(), token),
                    rendered.substring(token + TOKEN_MARK.length()));
        }

        boolean renders(String streamUrl, String greeting, String listenUrl) {
            return this.streamUrl.equals(streamUrl) && this.greeting.equals(greeting) && this.listenUrl.equals(listenUrl);
        }
    }

    TwimlBuilder(int listenSeconds) {
        this.listenSeconds = listenSeconds;
    }

    /**
     * {@code caller} travels to the media stream as a custom parameter, so the call's conversation knows it;
     * {@code token} too, binding the stream to this call (Twilio's stream URL takes no query string). The
     * caller is whatever the webhook's From said: characters XML cannot carry, even escaped, are left out, or
     * the whole answer would be unreadable to Twilio and the call would fail.
     */
    String greeting(String streamUrl, String from, String token, String greeting, String listenUrl) {
        String caller = from.replaceAll(NOT_XML, "");
        if (unpairedSurrogate(token)) {
            // The SDK's serializer drops, escapes or refuses these case by case: leave them to it.
            return renderGreeting(streamUrl, caller, token, greeting, listenUrl);
        }
        GreetingTemplate template = greetingTemplate;
        if (template == null || !template.renders(streamUrl, greeting, listenUrl)) {
            template = GreetingTemplate.of(streamUrl, greeting, listenUrl,
                    renderGreeting(streamUrl, CALLER_MARK, TOKEN_MARK, greeting, listenUrl));
            greetingTemplate = template;
        }
        return template.head + attribute(caller) + template.middle + attribute(token) + template.tail;
    }

    /** The greeting as the SDK renders it: a DOM, then a fresh JAXP parser and transformer to print it. */
    String renderGreeting(String streamUrl, String caller, String token, String greeting, String listenUrl) {
        Stream stream = new Stream.Builder().url(streamUrl).track(Stream.Track.BOTH_TRACKS)
                .parameter(new Parameter.Builder().name("caller").value(caller.replaceAll(NOT_XML, "")).build())
                .parameter(new Parameter.Builder().name("token").value(token).build()).build();
        return new VoiceResponse.Builder()
                .start(new Start.Builder().stream(stream).build())
                .say(new Say.Builder(greeting).build())
                .gather(listening(listenUrl))
                .redirect(new Redirect.Builder(listenUrl).build())
                .build().toXml();
    }

    String sayThenListen(String text, String listenUrl) {
        return new VoiceResponse.Builder()
                .say(new Say.Builder(text).build())
                .gather(listening(listenUrl))
                .redirect(new Redirect.Builder(listenUrl).build())
                .build().toXml();
    }

    /**
     * Says {@code text}, then queues the caller: through TaskRouter when a workflow is set, the screen-pop
     * travelling as the task's attributes; otherwise in the named Twilio queue, whose wait URL tells us the
     * queue's sid so an agent can take the caller out of it.
     */
    String sayThenEnqueue(String text, String queue, Optional<String> workflowSid, String taskAttributes,
                          String waitUrl) {
        Enqueue enqueue = workflowSid.isPresent()
                ? new Enqueue.Builder().workflowSid(workflowSid.get()).task(new Task.Builder(taskAttributes).build())
                        .build()
                : new Enqueue.Builder(queue).waitUrl(waitUrl).waitUrlMethod(HttpMethod.POST).build();
        return new VoiceResponse.Builder()
                .say(new Say.Builder(text).build())
                .enqueue(enqueue)
                .build().toXml();
    }

    /**
     * Hold while waiting in the queue: where they are and about how long, the offer of a callback (press 1,
     * answered at {@code keyUrl}), then a quiet stretch; Twilio asks for this again when it ends.
     */
    String waiting(int position, int waitSeconds, String keyUrl) {
        String where = position <= 1 ? "You are next in line." : "You are number " + position + " in line.";
        String wait = waitSeconds >= 90 ? " The wait is about " + Math.round(waitSeconds / 60.0) + " minutes." : "";
        Gather offer = new Gather.Builder().inputs(Gather.Input.DTMF).numDigits(1).timeout(20).action(keyUrl)
                .actionOnEmptyResult(false)
                .say(new Say.Builder("If you'd rather not wait, press 1 and we will call you back. You keep your place.")
                        .build())
                .build();
        return new VoiceResponse.Builder()
                .say(new Say.Builder(where + wait + " Thank you for waiting; someone will be with you shortly.").build())
                .gather(offer)
                .build().toXml();
    }

    String sayThenHangUp(String text) {
        return new VoiceResponse.Builder().say(new Say.Builder(text).build()).hangup(new Hangup.Builder().build())
                .build().toXml();
    }

    /** A customer who answered a callback: who is calling and why, then the queue (as a priority task). */
    String sayThenEnqueuePriority(String text, String queue, Optional<String> workflowSid, String taskAttributes,
                                  String waitUrl) {
        Enqueue enqueue = workflowSid.isPresent()
                ? new Enqueue.Builder().workflowSid(workflowSid.get())
                        .task(new Task.Builder(taskAttributes).priority(10).build()).build()
                : new Enqueue.Builder(queue).waitUrl(waitUrl).waitUrlMethod(HttpMethod.POST).build();
        return new VoiceResponse.Builder().say(new Say.Builder(text).build()).enqueue(enqueue).build().toXml();
    }

    /** Asks a yes/no by key ({@code text} says which keys), answered at {@code actionUrl}. */
    String askKey(String text, String actionUrl, String otherwise) {
        Gather ask = new Gather.Builder().inputs(Gather.Input.DTMF).numDigits(1).timeout(8).action(actionUrl)
                .say(new Say.Builder(text).build()).build();
        return new VoiceResponse.Builder().gather(ask).say(new Say.Builder(otherwise).build())
                .hangup(new Hangup.Builder().build()).build().toXml();
    }

    String redirect(String url) {
        return new VoiceResponse.Builder().redirect(new Redirect.Builder(url).build()).build().toXml();
    }

    String hangUp() {
        return new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build().toXml();
    }

    /** Connects the caller to the agent who took the call: a Twilio Client identity or a phone number. */
    String dialAgent(String target) {
        Dial.Builder dial = new Dial.Builder().answerOnBridge(true);
        if (target.startsWith("client:")) {
            dial.client(new Client.Builder(target.substring(7)).build());
        } else {
            dial.number(new Number.Builder(target).build());
        }
        return new VoiceResponse.Builder().dial(dial.build()).build().toXml();
    }

    String listen(String listenUrl) {
        return new VoiceResponse.Builder()
                .gather(listening(listenUrl))
                .redirect(new Redirect.Builder(listenUrl).build())
                .build().toXml();
    }

    /** An attribute value escaped character for character as the SDK's serializer (the JDK's XSLTC) escapes it. */
    private static String attribute(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        value.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("&quot;");
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> {
                    if (c < 0x20 || c > 0xFFFF) {
                        out.append("&#").append(c).append(';');
                    } else {
                        out.append((char) c);
                    }
                }
            }
        });
        return out.toString();
    }

    private static boolean unpairedSurrogate(String value) {
        return value.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    private Gather listening(String listenUrl) {
        return new Gather.Builder()
                .inputs(Gather.Input.DTMF)
                .numDigits(1)
                .timeout(listenSeconds)
                .action(listenUrl)
                .actionOnEmptyResult(false)
                .build();
    }
}
