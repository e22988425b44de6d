package dev.coxswain.core.workflow.blueprint;

/** One way out of a state: the result status, decision or kind ({@code when}, {@code default},
 *  {@code aggregate_into}) that leads to state {@code to}. */
public record Edge(String label, String to) {
}
