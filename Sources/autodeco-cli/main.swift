import AutoDeco
print("autodeco \(AutoDecoVersion.string)")
