package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ViewsTest {
    @Test
    void aReadWithTheApiTokenIsNamedAsSuchAndAPersonByNameAndRole() {
        String sid = "CA" + "0".repeat(32);
        assertEquals("API token (admin)", Views.who(new SupervisorViews.View("api", "admin", sid, "api", 0, true)));
        assertEquals("api (agent)", Views.who(new SupervisorViews.View("api", "agent", sid, "api", 0, false)),
                "a person who happens to be called api");
        assertEquals("sue (supervisor)", Views.who(new SupervisorViews.View("sue", "supervisor", sid, "page", 0, false)));
    }
}
