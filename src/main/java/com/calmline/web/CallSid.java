package com.calmline.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Twilio's call sid, the key every record of a call is kept under. Anything a request names as a call is
 * checked against this one shape before it reaches Redis, a log line or a page.
 */
public final class CallSid {
    /** What a well-formed sid looks like, said the same way in every refusal. */
    public static final String SHAPE = "a call sid is CA followed by 32 hex digits";
    /** The pattern itself, for what matches sids in text rather than checking one (a stand-in's URL patterns). */
    public static final String FORM = "CA[0-9a-fA-F]{32}";
    private static final Pattern PATTERN = Pattern.compile(FORM);

    private CallSid() {
    }

    public static boolean valid(String sid) {
        return sid != null && PATTERN.matcher(sid).matches();
    }

    /** The route's {@code {sid}}, or 400 when it is not a call sid. */
    public static String of(Context ctx) {
        String sid = ctx.pathParam("sid");
        if (!valid(sid)) {
            throw new BadRequestResponse(SHAPE);
        }
        return sid;
    }
}
