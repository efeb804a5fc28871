def test_a_new_world_index_replaces_the_stale_ones(tmp_path, monkeypatch):
    import storymap.cache as cache_module

    monkeypatch.setenv("STORYMAP_CACHE", str(tmp_path))
    monkeypatch.setattr(cache_module, "build_world", lambda: ([], {}, {}))
    stale = tmp_path / "world-1-old.pickle"
    stale.write_bytes(b"30 MB of last month's index")
    other = tmp_path / "geocode-cache.sqlite3"
    other.write_bytes(b"answers")
    assert cache_module.load_world() == ([], {}, {})
    assert not stale.exists() and other.exists()
    assert [p.name for p in tmp_path.glob("world-*.pickle")] == [cache_module._world_cache_path().name]
