package com.calmline.web;

import com.calmline.store.Store;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every open page of one kind (the agent desk, the supervisors' pages) current. A page gets the current state when it connects (or reconnects),
 * then fresh fragments whenever any call changes on any instance (Redis pub/sub). Changes arriving close
 * together are sent as one refresh, from one thread, so a burst of utterances costs one render per page;
 * a part that did not change is not sent, so what the agent is reading or has focused stays put.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final long REFRESH_MS = 100;
    private static final long HEARTBEAT_MS = 15_000;

    /** One open page; {@code sent} is what it shows now, so an unchanged part is not sent (and not re-drawn). */
    private record Viewer(SseClient client, Auth.Principal user, Optional<String> open, Map<String, String> sent) {
    }

    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final BiFunction<Auth.Principal, Optional<String>, Map<String, String>> fragments;
    private final AtomicBoolean changed = new AtomicBoolean();
    private final ScheduledExecutorService sender;
    private final AutoCloseable subscription;

    /**
     * {@code fragments} renders a page's live parts (name to HTML) for a viewer and the call they have open
     * (the {@code call} query parameter of the feed's URL).
     */
    public LiveFeed(String name, Store store, BiFunction<Auth.Principal, Optional<String>, Map<String, String>> fragments) {
        this.fragments = fragments;
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-feed");
            t.setDaemon(true);
            return t;
        });
        this.subscription = store.followCalls(sid -> changed.set(true));
        sender.scheduleWithFixedDelay(this::refresh, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
        sender.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
    }

    public void join(SseClient client) {
        Optional<String> open = Optional.ofNullable(client.ctx().queryParam("call"))
                .filter(CallSid::valid);
        Viewer viewer = new Viewer(client, Auth.principal(client.ctx()), open, new ConcurrentHashMap<>());
        client.keepAlive();
        client.onClose(() -> viewers.remove(viewer));
        viewers.add(viewer);
        sender.execute(() -> send(viewer));
    }

    private void refresh() {
        if (changed.getAndSet(false)) {
            viewers.forEach(this::send);
        }
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
