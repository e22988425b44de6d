package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public class NoAccountsException extends RuntimeException { public NoAccountsException(String m) { super(m); } }
