// implemented by the module owner
