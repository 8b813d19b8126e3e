print("job ran")
