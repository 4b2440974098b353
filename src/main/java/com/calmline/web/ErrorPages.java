package com.calmline.web;

import com.calmline.privacy.LogSafe;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import io.javalin.validation.ValidationError;
import io.javalin.validation.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a refused or failed request gets, whatever refused it: a person a page in the layout (what happened,
 * where to go from here, the way back); a machine ({@code /api/*}, Twilio's webhooks) {@code {"error": "..."}};
 * both with the status.
 */
final class ErrorPages {
    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    private final Pages pages;
    private final Function<Context, Optional<Auth.Principal>> signedIn;

    ErrorPages(Pages pages, Function<Context, Optional<Auth.Principal>> signedIn) {
        this.pages = pages;
        this.signedIn = signedIn;
    }

    void register(RoutesConfig routes) {
        routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(),
                e instanceof EndpointNotFound ? unknownPath(ctx) : e.getMessage()));
        routes.exception(ValidationException.class, (e, ctx) -> answer(ctx, 400, invalid(e)));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), LogSafe.text(ctx.path()), e);
            answer(ctx, 500, "Calmline could not finish that, and the error is logged.");
        });
    }

    /** Answers {@code status} with {@code message}: JSON to a machine, a page to a person. */
    void answer(Context ctx, int status, String message) {
        ctx.status(status);
        if (machine(ctx.path())) {
            ctx.json(Map.of("error", message));
            return;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("user", status == 503 ? null : who(ctx));
        params.put("status", status);
        params.put("heading", heading(status));
        params.put("message", message);
        params.put("advice", advice(status));
        pages.page(ctx, "error.jte", params);
    }

    private static boolean machine(String path) {
        return path.startsWith("/api/") || path.startsWith("/twilio/");
    }

    /**
     * Who is asking, for the page's header and the ways on; nobody if their session cannot be read (the store may
     * be what failed), since the error page must still be shown.
     */
    private Auth.Principal who(Context ctx) {
        Auth.Principal known = ctx.attribute(Auth.PRINCIPAL);
        if (known != null) {
            return known;
        }
        try {
            return signedIn.apply(ctx).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The address as asked for, but a path segment holding an e-mail address and any long run of digits (a phone
     * or card number typed into the address bar) masked: nothing raw is shown.
     */
    private static String unknownPath(Context ctx) {
        String path = ctx.path().replaceAll("[^/]*@[^/]*", "[email]").replaceAll("\\d{6,}", "[number]");
        return machine(ctx.path()) ? "no such endpoint: " + ctx.method() + " " + path
                : "There is no page at " + path + ".";
    }

    /** The check's own message; Javalin's codes (a value missing, or not a number) said in words. */
    private static String invalid(ValidationException e) {
        for (Map.Entry<String, List<ValidationError<Object>>> field : e.getErrors().entrySet()) {
            for (ValidationError<Object> error : field.getValue()) {
                String message = error.getMessage();
                return message.matches("[A-Z_]+") ? field.getKey() + " is missing or not valid" : message;
            }
        }
        return "the request is not valid";
    }

    private static String heading(int status) {
        return switch (status) {
            case 400 -> "That request could not be used";
            case 401, 403 -> "This is not open to you";
            case 404 -> "Nothing here";
            case 409 -> "That cannot be done now";
            case 429 -> "Too many tries";
            case 503 -> "Calmline is briefly unavailable";
            default -> status >= 500 ? "Something went wrong on our side" : "That did not work";
        };
    }

    private static String advice(int status) {
        return switch (status) {
            case 400 -> "Check the address or the form, and try again.";
            case 401, 403 -> "If you need it for your work, ask an admin for the role. A form that had expired works "
                    + "again once the page is reloaded.";
            case 404 -> "The address may be mistyped, or the call may have been erased or reached the end of its "
                    + "retention period.";
            case 429 -> "Wait a minute and try again.";
            case 503 -> "Its store is not answering. Try again in a moment.";
            default -> status >= 500 ? "Try again; if it keeps happening, tell whoever runs Calmline."
                    : "Go back and try again.";
        };
    }
}
