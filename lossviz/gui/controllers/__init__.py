"""What turns the user's actions into changes of the state: editing, files, exports, the capacity curve."""
