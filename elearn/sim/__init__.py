"""Simulations: McStas instrument files, their parameter forms, and the engines that run them.

instrument.py (+ source_text, trace_section) parses .instr files; parameters.py validates
user input against the header; expressions.py/statements.py evaluate C expressions and
simple DECLARE/INITIALIZE code safely; mccode_output.py/mccode_reader.py write and read
McStas's text output; engines/ holds the McStas engine and the embedded NumPy engine;
simulate.py is the one-call service; cli.py the `elearn sim` commands. No Flask here.
"""
