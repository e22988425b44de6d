-- A node proves it is alive by holding a session-level advisory lock (classid 0x436f7800, objid
-- lock_key) on its cluster-bus connection: the lock ends with the node's session, so the other
-- nodes can see a SIGKILLed node at once instead of waiting for its leases. NULL: this worker
-- holds no such lock (a remote worker, an older node, a node still starting), so only its
-- leases count.
ALTER TABLE workers ADD COLUMN IF NOT EXISTS lock_key BIGINT
