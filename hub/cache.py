"""Django's Redis cache, keeping one client per connection pool.

django.core.cache.backends.redis builds a new `redis.Redis` object for every
cache call; building one copies redis-py's table of response callbacks, which
costs more than the network round trip it wraps. Every API request makes
cache calls (the throttles), so the product keeps the client: `redis.Redis` is
safe to share between threads and the pool under it is unchanged.

`set_each` writes several keys, each with its own timeout, in one round trip
(Django's `set_many` takes one timeout for all); the throttles use it.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusedClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class HubRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

    def set_each(self, items: dict) -> None:
        """Store each ``key: (value, timeout)`` in one pipelined round trip."""
        if not items:
            return
        client = self._cache.get_client(None, write=True)
        pipeline = client.pipeline(transaction=False)
        for key, (value, timeout) in items.items():
            seconds = self.get_backend_timeout(timeout)
            name = self.make_and_validate_key(key)
            if seconds == 0:
                pipeline.delete(name)
            else:
                pipeline.set(name, self._cache._serializer.dumps(value), ex=seconds)
        pipeline.execute()
