package com.calmline.store;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What one instance tells every other, through Redis pub/sub: that a call changed (every write about a call
 * announces its sid, for live pages), and named events such as an agent joining a call. Each follower runs on
 * a thread of its own and subscribes again once Redis is back.
 */
public final class Channels {
    private static final Logger log = LoggerFactory.getLogger(Channels.class);

    private final Connection redis;

    Channels(Connection redis) {
        this.redis = redis;
    }

    /**
     * Calls {@code onChange} with what changed, on any instance, until closed: a call's sid, or the key of a log
     * an entry was added to (alerts, the audit).
     */
    public AutoCloseable followCalls(Consumer<String> onChange) {
        return follow(Connection.LIVE, onChange);
    }

    /** Tells every instance following {@code channel}; held through an outage like any write. */
    public void announce(String channel, String message) {
        redis.submit(List.of(new Write.Publish(redis.key(channel), message)));
    }

    /** Calls {@code onMessage} with every message announced on {@code channel}, on its own thread, until closed. */
    public AutoCloseable follow(String channel, Consumer<String> onMessage) {
        JedisPubSub subscription = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                onMessage.accept(message);
            }
        };
        Thread thread = new Thread(() -> {
            boolean warned = false;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    redis.client.subscribe(subscription, redis.key(channel));
                    return;
                } catch (JedisException e) {
                    if (!warned) {
                        log.warn("{} updates paused until Redis answers again: {}", channel, e.getMessage());
                        warned = true;
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "store-" + channel);
        thread.setDaemon(true);
        thread.start();
        return () -> {
            try {
                if (subscription.isSubscribed()) {
                    subscription.unsubscribe();
                }
            } catch (JedisException e) {
                log.debug("{} subscription already gone with its connection: {}", channel, e.getMessage());
            }
            thread.interrupt();
        };
    }
}
