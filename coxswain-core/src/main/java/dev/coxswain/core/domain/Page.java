package dev.coxswain.core.domain;

import java.util.List;

/** One page of a list, with the total count that matched. */
public record Page<T>(List<T> items, long total) {
}
