import Lib

print(Second().encodedSize() ?? -1)
