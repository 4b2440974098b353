package com.calmline.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;
import redis.clients.jedis.AbstractTransaction;

/**
 * One Redis write, kept as data so it can wait in the outbox while Redis is away, and be written to the
 * outbox's journal (JSON, with its kind as {@code w}) so it survives a restart.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "w")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Write.Hash.class, name = "hash"),
        @JsonSubTypes.Type(value = Write.Append.class, name = "append"),
        @JsonSubTypes.Type(value = Write.Index.class, name = "index"),
        @JsonSubTypes.Type(value = Write.Expire.class, name = "expire"),
        @JsonSubTypes.Type(value = Write.Set.class, name = "set"),
        @JsonSubTypes.Type(value = Write.Unindex.class, name = "unindex"),
        @JsonSubTypes.Type(value = Write.Publish.class, name = "publish"),
        @JsonSubTypes.Type(value = Write.Count.class, name = "count"),
        @JsonSubTypes.Type(value = Write.Member.class, name = "member")})
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

    /** Adds {@code by} to a counter in a hash (a replay after a crash mid-flush may count a batch twice). */
    record Count(String key, String field, long by) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.hincrBy(key, field, by);
        }
    }

    record Member(String key, String member) implements Write {
        public void addTo(AbstractTransaction tx) {
            tx.sadd(key, member);
        }
    }
}
