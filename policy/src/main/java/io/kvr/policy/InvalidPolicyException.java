package io.kvr.policy;

import java.util.List;

/** A policy document that cannot be stored; the message names every problem. */
public final class InvalidPolicyException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidPolicyException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
