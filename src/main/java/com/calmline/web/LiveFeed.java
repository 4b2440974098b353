package com.calmline.web;

import com.calmline.store.Channels;
import com.calmline.store.RecordStore;
import io.javalin.http.sse.SseClient;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every open page of one kind (the agent desk, the supervisors' pages) current. A page gets the current
 * state when it connects (or reconnects), then fresh fragments whenever a call changes on any instance (Redis
 * pub/sub). Changes arriving close together are one refresh, from one thread: what changed is handed to the
 * page kind once ({@code changed}), which reads it once for every page open, and then each page's parts are
 * rendered from what was read, so a change costs the same Redis reads however many pages are open. A part
 * that did not change is not sent, so what the agent is reading or has focused stays put.
 * A page lives only as long as its session: every few seconds each one's session is looked up again, and
 * once it has been signed out, ended or has expired, the page's parts are blanked and its stream ended.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final long REFRESH_MS = 100;
    private static final long HEARTBEAT_MS = 15_000;
    /** How often each page's session is looked up again: one Redis read per page per period. */
    private static final long SESSION_CHECK_MS = 5_000;
    /** The event the pages' {@code sse-close} attribute names: the page stops listening instead of reconnecting. */
    private static final String SIGNED_OUT = "signed-out";
    private static final String SIGNED_OUT_PART = "<p class=\"empty signed-out\" role=\"status\">Signed out. "
            + "<a href=\"/login\">Sign in</a> again to see this.</p>";

    /**
     * One open page; {@code sent} is what it shows now, so an unchanged part is not sent (and not re-drawn);
     * {@code session} the cookie it was opened with.
     */
    private record Viewer(SseClient client, Auth.Principal user, String session, Optional<String> open,
                          Map<String, String> sent) {
    }

    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final Consumer<Set<String>> changed;
    private final BiFunction<Auth.Principal, Optional<String>, Map<String, String>> fragments;
    /** What was announced since the last refresh: call sids, and the keys of logs that grew (alerts, the audit). */
    private final Set<String> changes = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sender;
    private final AutoCloseable subscription;
    private final Sessions sessions;

    /**
     * {@code changed} is told, once a refresh, what changed (call sids, log keys) before any page is rendered;
     * {@code fragments} then renders a page's live parts (name to HTML) for a viewer and the call they have open
     * (the {@code call} query parameter of the feed's URL). Both run on the feed's one thread.
     */
    public LiveFeed(String name, Channels channels, RecordStore records, Consumer<Set<String>> changed,
                    BiFunction<Auth.Principal, Optional<String>, Map<String, String>> fragments) {
        this.changed = changed;
        this.fragments = fragments;
        this.sessions = new Sessions(records);
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-feed");
            t.setDaemon(true);
            return t;
        });
        this.subscription = channels.followCalls(changes::add);
        sender.scheduleWithFixedDelay(this::refresh, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
        sender.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
        sender.scheduleWithFixedDelay(this::recheckSessions, SESSION_CHECK_MS, SESSION_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    public void join(SseClient client) {
        Optional<String> open = Optional.ofNullable(client.ctx().queryParam("call"))
                .filter(CallSid::valid);
        Viewer viewer = new Viewer(client, Auth.principal(client.ctx()),
                String.valueOf(client.ctx().cookie(Auth.SESSION_COOKIE)), open, new ConcurrentHashMap<>());
        client.keepAlive();
        client.onClose(() -> viewers.remove(viewer));
        viewers.add(viewer);
        sender.execute(() -> send(viewer));
    }

    private void refresh() {
        if (changes.isEmpty()) {
            return;
        }
        Set<String> now = new HashSet<>();
        for (Iterator<String> it = changes.iterator(); it.hasNext(); ) {
            now.add(it.next());
            it.remove();
        }
        try {
            changed.accept(now);
        } catch (RuntimeException e) {
            log.warn("could not read what changed: {}", e.toString());
        }
        viewers.forEach(this::send);
    }

    private void send(Viewer viewer) {
        try {
            fragments.apply(viewer.user(), viewer.open()).forEach((part, html) -> {
                if (!html.equals(viewer.sent().put(part, html))) {
                    viewer.client().sendEvent(part, html);
                }
            });
        } catch (RuntimeException e) {
            log.warn("could not update a page: {}", e.toString());
        }
    }

    /**
     * Ends every page whose session is gone (signed out, ended by a password change, expired) or now belongs
     * to someone else. While Redis is away the pages stay: nothing new reaches them then anyway.
     */
    private void recheckSessions() {
        for (Viewer v : viewers) {
            try {
                boolean same = sessions.find(v.session()).map(p -> p.name().equals(v.user().name())
                        && p.role() == v.user().role()).orElse(false);
                if (!same) {
                    signOut(v);
                }
            } catch (RuntimeException e) {
                log.debug("could not check a page's session: {}", e.toString());
                return;
            }
        }
    }

    /** Blanks what the page showed, tells it to stop listening, and ends its stream. */
    private void signOut(Viewer v) {
        viewers.remove(v);
        try {
            v.sent().keySet().forEach(part -> v.client().sendEvent(part, SIGNED_OUT_PART));
            v.client().sendEvent(SIGNED_OUT, "signed out");
            v.client().close();
        } catch (RuntimeException e) {
            log.debug("page already gone: {}", e.toString());
        }
    }

    private void heartbeat() {
        viewers.forEach(v -> v.client().sendComment("still here"));
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            log.warn("stopping live updates: {}", e.toString());
        }
        sender.shutdownNow();
        for (Viewer v : viewers) {
            try {
                v.client().close();
            } catch (RuntimeException e) {
                log.debug("page already gone: {}", e.toString());
            }
        }
        viewers.clear();
    }
}
