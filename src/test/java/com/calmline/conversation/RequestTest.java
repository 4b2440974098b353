package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "i want to speak to an m b l r g h more a simple",
            "i want to speak to a real person",
            "i wanna talk to the uh porridge fender",
            "i won't to speak too a manager",
            "can i talk with somebody please",
            "let me speak to whoever is in charge",
            "speak to a human",
            "talk to someone",
            "transfer me now",
            "just put me through to billing",
            "get me a manager",
            "get me someone who knows what they are doing",
            "i want your supervisor",
            "where's your manager",
            "i need to speak with a customer service representative",
            "could i speak to the plumbing alarm",
            "i'd like to talk to someone about my bill",
            "put me through",
            "agent",
    })
    void hearsAPersonRequestFromItsShapeEvenWhenTheEndIsGarbled(String clause) {
        Optional<Request> request = Request.in(clause);
        assertTrue(request.isPresent(), clause);
        assertEquals(Request.Kind.PERSON, request.get().kind(), clause);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "i spoke to someone last week and they promised a refund",
            "i've talked to three people already",
            "the manager said it would be fixed",
            "can i talk to you about my bill",
            "i want to speak to you about the charges",
            "get me my money back",
            "my internet keeps dropping out every night",
            "the person who delivered it left it in the rain",
            "i was talking to my neighbour and she has the same problem",
    })
    void doesNotHearOneInPastTenseTalkOrTheLineItself(String clause) {
        assertFalse(Request.in(clause).map(r -> r.kind() == Request.Kind.PERSON).orElse(false), clause);
    }
}
