package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.store.CallStore;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.calmline.web.Pages;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erasing a call, for admins: a confirmation page ({@code GET /supervisor/calls/{sid}/erase}), then
 * {@code POST} with the box ticked; the call and every copy of it go, and only that it was erased, and by whom,
 * stays.
 */
final class Erasure {
    private static final Logger log = LoggerFactory.getLogger(Erasure.class);
    private static final String IN_PROGRESS = "This call is still in progress (the line is still hearing it, or the "
            + "caller is waiting for an agent). Erase it once it has ended, so that nothing it still writes brings it back.";
    /** The value of the confirmation box that erasing needs: a bare POST (one stray click) erases nothing. */
    static final String CONFIRMED = "yes";
    private static final String UNCONFIRMED = "Tick the box to confirm that this call is to be erased for good.";

    private final CallStore calls;
    private final Views views;
    private final Alerts alerts;
    private final CallDetail detail;
    private final Pages pages;
    private final Supervision.Copies copies;
    private final ZoneId zone;

    Erasure(CallStore calls, Views views, Alerts alerts, CallDetail detail, Pages pages, Supervision.Copies copies,
            ZoneId zone) {
        this.calls = calls;
        this.views = views;
        this.alerts = alerts;
        this.detail = detail;
        this.pages = pages;
        this.copies = copies;
        this.zone = zone;
    }

    /**
     * The confirmation step ({@code GET …/erase}): what will go, and a box to tick, so one stray click on the
     * call's page cannot erase it. A call still in progress says so here, before anyone ticks anything.
     */
    void confirm(Context ctx) {
        String sid = CallSid.of(ctx);
        Map<String, String> call = calls.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        confirmation(ctx, sid, call, "");
    }

    private void confirmation(Context ctx, String sid, Map<String, String> call, String error) {
        pages.page(ctx, "supervisor/erase.jte", Map.of("erase", new SupervisorViews.Erase(Auth.principal(ctx),
                detail.row(sid, call), inProgress(sid, call) ? IN_PROGRESS : "", error)));
    }

    /** The line still hears the call, or its caller waits for an agent: it would go on being written. */
    private boolean inProgress(String sid, Map<String, String> call) {
        return !call.containsKey("durationMs") && calls.heard(sid) || calls.isListed("waiting", sid);
    }

    /**
     * Erases the call and every copy of it: callbacks' links and reasons, alerts, the audit's reads of it
     * (the erasure itself stays), its place in every index. Refused while the call is in progress: the line
     * would go on writing it, and a caller waiting for an agent would vanish from every desk. Copies go first,
     * so a failure part-way leaves the call there to erase again.
     */
    void erase(Context ctx) {
        String sid = CallSid.of(ctx);
        Map<String, String> call = calls.call(sid);
        if (call.isEmpty()) {
            throw new NotFoundResponse("no call " + sid);
        }
        boolean json = ctx.path().startsWith("/api/") || "application/json".equals(ctx.header("Accept"));
        if (!CONFIRMED.equals(ctx.formParam("confirm"))) {
            ctx.status(HttpStatus.BAD_REQUEST);
            if (json) {
                ctx.json(Map.of("error", "erasing cannot be undone: send confirm=" + CONFIRMED + " to erase the call"));
            } else {
                confirmation(ctx, sid, call, UNCONFIRMED);
            }
            return;
        }
        if (inProgress(sid, call)) {
            ctx.status(HttpStatus.CONFLICT);
            if (json) {
                ctx.json(Map.of("error", IN_PROGRESS));
            } else {
                pages.page(ctx, "supervisor/call.jte", Map.of("call", detail.detail(Auth.principal(ctx), sid,
                        IN_PROGRESS)));
            }
            return;
        }
        List<String> texts = new ArrayList<>();
        for (String turn : calls.utterances(sid)) {
            texts.add(Json.stored(turn).path("text").asText(""));
        }
        copies.erase(sid);
        calls.erase(sid, CallIndex.keysOf(call, texts, LocalDate.parse(Dashboard.day(Transcripts.started(call), zone))),
                Map.of(LiveCalls.ALERTS, alerts.entriesAbout(sid), Views.ALL, views.entriesOf(sid)));
        views.viewed(Auth.principal(ctx), sid, "erase");
        log.info("call {}: erased by {}", sid, Auth.principal(ctx).name());
        if (json) {
            ctx.json(Map.of("erased", sid));
        } else {
            ctx.redirect("/supervisor/calls?notice=erased", HttpStatus.SEE_OTHER);
        }
    }
}
