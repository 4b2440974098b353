package com.calmline.store;

import java.util.Map;
import redis.clients.jedis.AbstractTransaction;

/** One Redis write, kept as data so it can wait in the outbox while Redis is away. */
sealed interface Write {
    void addTo(AbstractTransaction tx);

    record Hash(String key, Map<String, String> fields) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.hset(key, fields);
        }
    }

    record Append(String key, String value) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.rpush(key, value);
        }
    }

    record Index(String key, double score, String member) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.zadd(key, score, member);
        }
    }

    record Expire(String key, long seconds) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.expire(key, seconds);
        }
    }

    record Set(String key, String value) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.set(key, value);
        }
    }

    record Unindex(String key, String member) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.zrem(key, member);
        }
    }

    /** Tells other instances something changed; held and replayed like any write, so a page never misses it. */
    record Publish(String channel, String message) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.publish(channel, message);
        }
    }
}
