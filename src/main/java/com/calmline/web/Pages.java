package com.calmline.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Server-rendered pages: jte templates from {@code src/main/jte}, compiled to classes by the Maven build,
 * so nothing is compiled at run time. Output is HTML-escaped by default.
 */
public final class Pages {
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    /**
     * The one way a page shows a moment, "4 Dec 2026 15:57 EST": on the operator's clock, always with its zone's
     * abbreviation, so no time is read in the wrong zone.
     */
    public static DateTimeFormatter moments(ZoneId zone) {
        return DateTimeFormatter.ofPattern("d MMM yyyy HH:mm z", Locale.ENGLISH).withZone(zone);
    }

    /** Renders {@code template} with {@code params} to a string (a whole page or an SSE fragment). */
    public String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        return out.toString();
    }

    public void page(Context ctx, String template, Map<String, Object> params) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.html(render(template, params));
    }
}
