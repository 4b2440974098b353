package com.calmline.review;

import com.calmline.store.CallStore;
import com.calmline.web.Auth;
import com.calmline.web.Pages;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every call kept, for supervisors ({@code /supervisor/calls}, {@code /api/supervisor/calls}): newest first,
 * a page at a time, filtered by dates (the operator's days), anger, topic, queue, agent and outcome, and
 * searched by what was said. Dates before the retention period are not asked for: nothing is kept there.
 */
final class CallList {
    private static final int PAGE = 25;
    private static final int MAX_PARAM = 200;

    private final CallIndex index;
    private final CallStore calls;
    private final CallRows rows;
    private final Alerts alerts;
    private final Pages pages;
    private final Supervision.Settings settings;

    CallList(CallIndex index, CallStore calls, CallRows rows, Alerts alerts, Pages pages,
             Supervision.Settings settings) {
        this.index = index;
        this.calls = calls;
        this.rows = rows;
        this.alerts = alerts;
        this.pages = pages;
        this.settings = settings;
    }

    void page(Context ctx) {
        SupervisorViews.Filters f = filters(ctx);
        int page = pageAsked(ctx);
        CallIndex.Page found = index.search(query(f, page));
        int last = (int) Math.max(1, (found.total() + PAGE - 1) / PAGE);
        String notice = "erased".equals(ctx.queryParam("notice")) ? "The call was erased." : "";
        List<SupervisorViews.Row> shown = rows.rows(found.callSids());
        pages.page(ctx, "supervisor/calls.jte", Map.of("list", new SupervisorViews.CallList(Auth.principal(ctx), f,
                shown, matches(shown, f.q()), found.total(), page, last, page > 1 ? url(f, page - 1) : "",
                page < last ? url(f, page + 1) : "", alerts.recent(), notice)));
    }

    /** For a search, each listed call's turn that matched it: one read of a transcript per call listed. */
    private Map<String, SupervisorViews.Excerpt> matches(List<SupervisorViews.Row> shown, String q) {
        Set<String> terms = CallIndex.terms(q);
        Map<String, SupervisorViews.Excerpt> matches = new HashMap<>();
        if (!terms.isEmpty()) {
            shown.forEach(r -> Excerpts.find(calls.utterances(r.callSid()), terms)
                    .ifPresent(e -> matches.put(r.callSid(), e)));
        }
        return matches;
    }

    void api(Context ctx) {
        CallIndex.Page found = index.search(query(filters(ctx), pageAsked(ctx)));
        ctx.json(Map.of("total", found.total(), "calls", rows.rows(found.callSids())));
    }

    private SupervisorViews.Filters filters(Context ctx) {
        return new SupervisorViews.Filters(param(ctx, "from"), param(ctx, "to"), param(ctx, "anger"),
                param(ctx, "topic"), param(ctx, "queue"), param(ctx, "agent"), param(ctx, "outcome"), param(ctx, "q"));
    }

    private CallIndex.Query query(SupervisorViews.Filters f, int page) {
        long from = Math.max(day(f.from(), 0).orElse(0L),
                System.currentTimeMillis() - settings.retention().toMillis());
        long to = day(f.to(), 1).map(t -> t - 1).orElse(Long.MAX_VALUE / 2);
        if (!f.anger().isEmpty() && !CallIndex.ANGER_STEPS.contains(f.anger())) {
            throw new BadRequestResponse("anger is one of " + CallIndex.ANGER_STEPS);
        }
        if (!f.outcome().isEmpty() && !SupervisorViews.OUTCOMES.contains(f.outcome())) {
            throw new BadRequestResponse("outcome is one of " + SupervisorViews.OUTCOMES);
        }
        return new CallIndex.Query(from, to, f.anger(), f.topic(), f.queue(), f.agent(), f.outcome(), f.q(),
                (page - 1) * PAGE, PAGE);
    }

    /** The start of {@code date} plus {@code days}, on the operator's clock. */
    private Optional<Long> day(String date, int days) {
        if (date.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(date).plusDays(days).atStartOfDay(settings.zone()).toInstant()
                    .toEpochMilli());
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse("a date is YYYY-MM-DD: " + date);
        }
    }

    private static String url(SupervisorViews.Filters f, int page) {
        StringBuilder url = new StringBuilder("/supervisor/calls?page=" + page);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("from", f.from());
        params.put("to", f.to());
        params.put("anger", f.anger());
        params.put("topic", f.topic());
        params.put("queue", f.queue());
        params.put("agent", f.agent());
        params.put("outcome", f.outcome());
        params.put("q", f.q());
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                url.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return url.toString();
    }

    private static int pageAsked(Context ctx) {
        if (ctx.queryParam("page") == null) {
            return 1;
        }
        return ctx.queryParamAsClass("page", Integer.class).check(p -> p >= 1 && p <= 100_000,
                "page is a number from 1 to 100000").get();
    }

    private static String param(Context ctx, String name) {
        String v = Optional.ofNullable(ctx.queryParam(name)).orElse("").strip();
        if (v.length() > MAX_PARAM) {
            throw new BadRequestResponse(name + " is at most " + MAX_PARAM + " characters");
        }
        return v;
    }
}
