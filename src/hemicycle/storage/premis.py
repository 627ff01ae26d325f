"""placeholder"""
def record_commit(settings, commit, agent="hemicycle", sources=None):
    pass
