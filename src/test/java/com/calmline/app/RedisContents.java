package com.calmline.app;

import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Every key in a Redis and what it holds, as text whatever its type: for tests that nothing raw was stored. */
public final class RedisContents {
    private RedisContents() {
    }

    public static Map<String, String> of(RedisClient redis) {
        Map<String, String> contents = new LinkedHashMap<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().count(1000));
            for (String key : page.getResult()) {
                contents.put(key, switch (redis.type(key)) {
                    case "string" -> redis.get(key);
                    case "hash" -> redis.hgetAll(key).toString();
                    case "list" -> String.join("\n", redis.lrange(key, 0, -1));
                    case "zset" -> String.join("\n", redis.zrange(key, 0, -1));
                    case "set" -> String.join("\n", redis.smembers(key));
                    default -> "";
                });
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return contents;
    }
}
