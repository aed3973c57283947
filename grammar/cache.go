package grammar

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// Cache keeps compiled grammars by content hash, so the same grammar body
// (the same DEFINE-GRAMMAR in every call of a campaign, the same fetched
// document) is parsed and compiled once. It is safe for concurrent use and
// evicts the least recently used entry beyond its capacity.
type Cache struct {
	mu     sync.Mutex
	max    int
	order  *list.List // front = most recently used
	items  map[string]*list.Element
	hits   uint64
	misses uint64
}

type cacheEntry struct {
	key string
	g   *Compiled
}

// DefaultCacheEntries is the capacity NewLoader gives its own cache.
const DefaultCacheEntries = 256

// NewCache returns a cache holding up to maxEntries grammars (at least 1).
func NewCache(maxEntries int) *Cache {
	return &Cache{max: max(maxEntries, 1), order: list.New(), items: map[string]*list.Element{}}
}

// ContentKey is the cache key of a grammar body: a SHA-256 over its media
// type and bytes.
func ContentKey(contentType string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(mediaType(contentType)))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Get returns the grammar stored under key.
func (c *Cache) Get(key string) (*Compiled, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).g, true
}

// Put stores g under key.
func (c *Cache) Put(key string, g *Compiled) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*cacheEntry).g = g
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, g: g})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

// Len returns the number of cached grammars.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Stats returns the hit and miss counts, for metrics.
func (c *Cache) Stats() (hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}
