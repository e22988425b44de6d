package dev.coxswain.server.device;

import java.util.function.Function;

/**
 * The query of {@code GET /api/v1/task}: filters and the page. Every bad value is a 40001 that
 * names the parameter; an empty value counts as absent (a form that sends {@code status=}).
 *
 * @param status   0 pending, 1 running, 2 completed, 3 failed; null: any
 * @param page     1-based
 * @param pageSize 1..{@link #MAX_PAGE_SIZE}
 */
record DeviceListQuery(Integer status, String serial, String scriptName, String source, int page, int pageSize) {
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;
    /** Far past any real list; keeps the row offset inside an int. */
    static final int MAX_PAGE = 1_000_000;

    /** @param param the first value of a query parameter, or null when it is absent */
    static DeviceListQuery parse(Function<String, String> param) {
        String s = text(param, "status");
        Integer status = null;
        if (s != null) {
            if (!s.matches("[0-3]")) throw DeviceError.invalid("status must be 0, 1, 2 or 3");
            status = Integer.parseInt(s);
        }
        String source = text(param, "source");
        if (source != null && !source.equals("api") && !source.equals("ui")) throw DeviceError.invalid("source must be api or ui");
        return new DeviceListQuery(status, text(param, "serial"), text(param, "script_name"), source,
                integer(param, "page", 1, 1, MAX_PAGE), integer(param, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE));
    }

    /** Row offset of the page. */
    int offset() {
        return (page - 1) * pageSize;
    }

    private static String text(Function<String, String> param, String name) {
        String v = param.apply(name);
        if (v == null || v.isBlank()) return null;
        if (v.indexOf('\u0000') >= 0) throw DeviceError.invalid(name + " must not contain NUL characters");
        return v.trim();
    }

    private static int integer(Function<String, String> param, String name, int dflt, int min, int max) {
        String v = text(param, name);
        if (v == null) return dflt;
        if (!v.matches("-?[0-9]{1,10}")) throw DeviceError.invalid(name + " must be an integer from " + min + " to " + max);
        long n = Long.parseLong(v);
        if (n < min || n > max) throw DeviceError.invalid(name + " must be an integer from " + min + " to " + max);
        return (int) n;
    }
}
