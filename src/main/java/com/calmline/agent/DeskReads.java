package com.calmline.agent;

import com.calmline.store.CallStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the desk reads about calls to show them: read straight from Redis for a page someone loads or an API
 * call, or from the {@link DeskSnapshot} every live desk page on this instance shares.
 */
interface DeskReads {
    /** The newest {@code max} calls of a list (callers waiting, an agent's own calls). */
    List<String> listed(String list, int max);

    boolean isListed(String list, String callSid);

    /** The call's record; empty if there is none. */
    Map<String, String> call(String callSid);

    /** The caller as the lists show them (see {@link ScreenPops#waiting}). */
    Optional<ScreenPops.Waiting> waiting(String callSid);

    /** The caller with their history and transcript, as an open call shows them (see {@link ScreenPops#current}). */
    Optional<ScreenPops.Waiting> current(String callSid);

    /** Each read sent to Redis as it is asked. */
    static DeskReads direct(CallStore calls, ScreenPops screenPops) {
        return new DeskReads() {
            @Override
            public List<String> listed(String list, int max) {
                return calls.listed(list, max);
            }

            @Override
            public boolean isListed(String list, String callSid) {
                return calls.isListed(list, callSid);
            }

            @Override
            public Map<String, String> call(String callSid) {
                return calls.call(callSid);
            }

            @Override
            public Optional<ScreenPops.Waiting> waiting(String callSid) {
                return screenPops.waiting(callSid);
            }

            @Override
            public Optional<ScreenPops.Waiting> current(String callSid) {
                return screenPops.current(callSid);
            }
        };
    }
}
