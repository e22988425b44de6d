package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public class ScriptNotSupportedException extends RuntimeException { public ScriptNotSupportedException(String m) { super(m); } }
