package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public record BatchDeleted(java.util.List<Long> deleted, java.util.List<Long> notFound) {}
