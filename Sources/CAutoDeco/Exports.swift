import AutoDeco
