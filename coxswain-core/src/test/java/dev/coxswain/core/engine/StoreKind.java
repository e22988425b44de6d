package dev.coxswain.core.engine;

/** The stores every engine behaviour test runs on. */
public enum StoreKind {
    SQLITE, POSTGRES
}
