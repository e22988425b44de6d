package dev.coxswain.core.engine;

/** The stores every engine behaviour test runs on. */
enum StoreKind {
    SQLITE, POSTGRES
}
