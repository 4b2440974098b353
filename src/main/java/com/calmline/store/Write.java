package com.calmline.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Redis write, kept as data so it can wait in the outbox while Redis is away, and be written to the
 * outbox's journal (JSON, with its kind as {@code w}) so it survives a restart. A guard
 * ({@link UnlessExists}, {@link UnlessMember}) writes nothing: checked when Redis takes the batch, it leaves
 * the writes of its hash slot, and the rest of the batch, unapplied ({@link Slices}), so a condition decided
 * late (a call erased meanwhile, a promise already made) still holds for writes that waited in the outbox.
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
        @JsonSubTypes.Type(value = Write.Member.class, name = "member"),
        @JsonSubTypes.Type(value = Write.Unmember.class, name = "unmember"),
        @JsonSubTypes.Type(value = Write.Delete.class, name = "delete"),
        @JsonSubTypes.Type(value = Write.ForgetIfGone.class, name = "forget-if-gone"),
        @JsonSubTypes.Type(value = Write.UnlessExists.class, name = "unless-exists"),
        @JsonSubTypes.Type(value = Write.UnlessMember.class, name = "unless-member")})
sealed interface Write {
    /** The Redis command, or for a guard its name and operands, as Store's batch script reads them. */
    List<String> command();

    /**
     * The keys the write touches, declared to the script that runs it: on a cluster, they say which node takes
     * it, and every key of one script run must hash to one slot.
     */
    default List<String> keys() {
        return List.of(command().get(1));
    }

    record Hash(String key, Map<String, String> fields) implements Write {
        public List<String> command() {
            List<String> c = new ArrayList<>(List.of("HSET", key));
            fields.forEach((field, value) -> {
                c.add(field);
                c.add(value);
            });
            return c;
        }
    }

    record Append(String key, String value) implements Write {
        public List<String> command() {
            return List.of("RPUSH", key, value);
        }
    }

    record Index(String key, double score, String member) implements Write {
        public List<String> command() {
            return List.of("ZADD", key, Double.toString(score), member);
        }
    }

    record Expire(String key, long seconds) implements Write {
        public List<String> command() {
            return List.of("EXPIRE", key, Long.toString(seconds));
        }
    }

    record Set(String key, String value) implements Write {
        public List<String> command() {
            return List.of("SET", key, value);
        }
    }

    record Unindex(String key, String member) implements Write {
        public List<String> command() {
            return List.of("ZREM", key, member);
        }
    }

    /** Tells other instances something changed; held and replayed like any write, so a page never misses it. */
    record Publish(String channel, String message) implements Write {
        public List<String> command() {
            return List.of("PUBLISH", channel, message);
        }

        /** A channel is no key: on a cluster, a message published on any node reaches subscribers on every node. */
        @Override
        public List<String> keys() {
            return List.of();
        }
    }

    /** Adds {@code by} to a counter in a hash (a replay after a crash mid-flush may count a batch twice). */
    record Count(String key, String field, long by) implements Write {
        public List<String> command() {
            return List.of("HINCRBY", key, field, Long.toString(by));
        }
    }

    record Member(String key, String member) implements Write {
        public List<String> command() {
            return List.of("SADD", key, member);
        }
    }

    record Unmember(String key, String member) implements Write {
        public List<String> command() {
            return List.of("SREM", key, member);
        }
    }

    record Delete(String key) implements Write {
        public List<String> command() {
            return List.of("DEL", key);
        }
    }

    /** Takes {@code name} out of the set {@code key} if {@code gone} no longer exists: an index left empty. */
    record ForgetIfGone(String key, String gone, String name) implements Write {
        public List<String> command() {
            return List.of("forget-if-gone", key, gone, name);
        }

        @Override
        public List<String> keys() {
            return List.of(key, gone);
        }
    }

    /** The batch is not applied if {@code key} exists: a record made once, however often it is asked for. */
    record UnlessExists(String key) implements Write {
        public List<String> command() {
            return List.of("unless-exists", key);
        }
    }

    /** The batch is not applied if {@code member} is in the sorted set {@code key}: writes about an erased call. */
    record UnlessMember(String key, String member) implements Write {
        public List<String> command() {
            return List.of("unless-member", key, member);
        }
    }
}
